/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <algorithm>
#include <vector>

#include <dmabridge/constraints.h>

namespace dmabridge {

namespace {

struct MemoryKindNames
{
	MemoryKind kind;
	const char *name;
	const char *key;
};

constexpr MemoryKindNames kMemoryKindNames[] = {
	{ MemoryKind::SystemHeap, "system heap", "system-heap" },
	{ MemoryKind::CmaHeap, "CMA heap", "cma-heap" },
	{ MemoryKind::Udmabuf, "udmabuf", "udmabuf" },
	{ MemoryKind::OwnDumb, "own dumb buffers", "own-dumb" },
	{ MemoryKind::V4l2Export, "V4L2 exports", "v4l2-export" },
};

} /* namespace */

const char *memoryKindName(MemoryKind kind)
{
	for (const MemoryKindNames &names : kMemoryKindNames)
		if (names.kind == kind)
			return names.name;
	return "?";
}

const char *memoryKindKey(MemoryKind kind)
{
	for (const MemoryKindNames &names : kMemoryKindNames)
		if (names.kind == kind)
			return names.key;
	return "?";
}

bool memoryKindFromKey(std::string_view key, MemoryKind *kind)
{
	for (const MemoryKindNames &names : kMemoryKindNames)
		if (key == names.key) {
			*kind = names.kind;
			return true;
		}
	return false;
}

std::string MemoryKinds::describe() const
{
	std::vector<const char *> names;
	for (MemoryKind kind : kMemoryKinds)
		if (has(kind))
			names.push_back(memoryKindName(kind));
	std::string text;
	for (size_t i = 0; i < names.size(); i++)
		text += std::string(i == 0                  ? ""
				    : i + 1 == names.size() ? " and "
							    : ", ") +
			names[i];
	return text.empty() ? "nothing" : text;
}

bool DeviceConstraints::acceptsFormat(uint32_t fourcc, uint64_t modifier) const
{
	return std::any_of(formats.begin(), formats.end(), [&](const FormatModifiers &format) {
		if (format.fourcc != fourcc)
			return false;
		if (format.modifiers.empty())
			return modifier == kModifierLinear;
		return std::find(format.modifiers.begin(), format.modifiers.end(), modifier) !=
		       format.modifiers.end();
	});
}

bool DeviceConstraints::takesFormat(uint32_t fourcc) const
{
	return std::any_of(formats.begin(), formats.end(),
			   [&](const FormatModifiers &format) { return format.fourcc == fourcc; });
}

std::string DeviceConstraints::label() const
{
	std::string text = name;
	std::string detail = node;
	if (!role.empty())
		detail += (detail.empty() ? "" : ", ") + role;
	if (!detail.empty())
		text += " (" + detail + ")";
	return text;
}

} /* namespace dmabridge */
