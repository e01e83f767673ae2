/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a board profile says of a device, compared fact by fact: for the tests that write
 * a profile (boardProfileText) and read it back, from bundled profiles and from a board's
 * probe. Sources are not compared: the parser cites the profile's file in front of them.
 */
#pragma once

#include <string>
#include <vector>

#include <drm_fourcc.h>

#include <dmabridge/board_profile.h>
#include <dmabridge/format.h>
#include <dmabridge/plan.h>

namespace dmabridge::test {

/* "contiguous: yes, read back no", one line a fact that differs. */
inline std::vector<std::string> differingFacts(const DeviceConstraints &a,
					       const DeviceConstraints &b)
{
	std::vector<std::string> out;
	auto same = [&](const char *what, auto x, auto y) {
		if (!(x == y))
			out.push_back(std::string(what) + " differs");
	};
	same("role", a.role, b.role);
	same("driver", a.driver, b.driver);
	same("node", a.node, b.node);
	same("formats and modifiers", a.formats, b.formats);
	same("import", a.canImport, b.canImport);
	same("export", a.canExport, b.canExport);
	same("contiguous", a.contiguous.value, b.contiguous.value);
	same("exports-contiguous", a.exportsContiguous.value, b.exportsContiguous.value);
	same("iommu", a.iommu.value, b.iommu.value);
	same("coherent", a.coherent.value, b.coherent.value);
	same("address-limit", a.addressLimit.value, b.addressLimit.value);
	same("memory-only-from", a.memoryOnlyFrom.value, b.memoryOnlyFrom.value);
	same("usable-memory", a.usableMemory.value.bits, b.usableMemory.value.bits);
	same("stride-align", a.alignment.value.stride, b.alignment.value.stride);
	same("offset-align", a.alignment.value.offset, b.alignment.value.offset);
	same("size-align", a.alignment.value.size, b.alignment.value.size);
	same("height-align", a.alignment.value.height, b.alignment.value.height);
	return out;
}

inline std::vector<std::string> differingFacts(const HeapInfo &a, const HeapInfo &b)
{
	std::vector<std::string> out;
	if (a.name != b.name || a.contiguous != b.contiguous || a.cached != b.cached ||
	    a.size != b.size || a.kernelName != b.kernelName || a.kind != b.kind)
		out.push_back("heap " + a.name + " differs from heap " + b.name);
	return out;
}

/* Every difference between two profiles, devices matched by position and id. */
inline std::vector<std::string> differingFacts(const BoardProfile &a, const BoardProfile &b)
{
	std::vector<std::string> out;
	if (a.pageSize != b.pageSize)
		out.push_back("page-size differs");
	if (a.heaps.size() != b.heaps.size() || a.devices.size() != b.devices.size())
		return { "a different number of heaps or devices" };
	for (size_t i = 0; i < a.heaps.size(); i++)
		for (const std::string &d : differingFacts(a.heaps[i], b.heaps[i]))
			out.push_back(d);
	for (size_t i = 0; i < a.devices.size(); i++) {
		if (a.devices[i].id != b.devices[i].id)
			out.push_back("device " + a.devices[i].id + " read back as " +
				      b.devices[i].id);
		for (const std::string &d :
		     differingFacts(a.devices[i].constraints, b.devices[i].constraints))
			out.push_back(a.devices[i].id + ": " + d);
	}
	return out;
}

/* producer's XRGB8888 frames for consumer, planned on what profile says of its board. */
inline Result<Plan> planOn(const BoardProfile &profile, const char *producer, const char *consumer,
			   uint32_t width, uint32_t height, unsigned buffers)
{
	Result<DeviceConstraints> from = profile.device(producer);
	if (!from)
		return from.error();
	Result<DeviceConstraints> to = profile.device(consumer);
	if (!to)
		return to.error();
	return Planner().plan({ *from,
				{ *to },
				DRM_FORMAT_XRGB8888,
				width,
				height,
				buffers,
				profile.heaps,
				{},
				profile.pageSize });
}

} /* namespace dmabridge::test */
