/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <algorithm>

#include <dmabridge/constraints.h>

namespace dmabridge {

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
