/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <dmabridge/layout.h>

namespace dmabridge {

/* A fact about a device and where the library learned it ("sysfs: no iommu_group"). */
template<typename T>
struct Derived
{
	T value{};
	std::string source;
};

/* A format a device takes, with the modifiers it takes it in (linear when empty). */
struct FormatModifiers
{
	uint32_t fourcc = 0;
	std::vector<uint64_t> modifiers;

	bool operator==(const FormatModifiers &) const = default;
};

/*
 * What one device accepts of the buffers it touches. Filled by the device probes (V4L2,
 * DRM, EGL) and the quirk table, read by the planner; every non-default fact carries its
 * source so tools can say where it came from.
 */
struct DeviceConstraints
{
	std::string name;   /* "vivid-001", "vkms", "llvmpipe" */
	std::string node;   /* "/dev/video8", "/dev/dri/card1" */
	std::string role;   /* "V4L2 capture", "KMS plane 31", "EGL sampler" */
	std::string driver; /* kernel (or GL) driver, the quirk table's key */

	std::vector<FormatModifiers> formats;
	Derived<Alignment> alignment;

	/* Physically contiguous pages needed, unless an IOMMU translates for the device. */
	Derived<bool> contiguous;
	Derived<bool> iommu;
	/* Highest address the device can reach plus one; 0 for no limit. */
	Derived<uint64_t> addressLimit;
	Derived<bool> coherent;

	/* It can take dma-bufs allocated elsewhere (V4L2 DMABUF, PRIME import, EGL import). */
	bool canImport = true;
	/* It can allocate buffers and export them (V4L2 MMAP + EXPBUF, DRM dumb + PRIME). */
	bool canExport = false;
	/* What it exports is physically contiguous (vb2-dma-contig, GEM DMA helpers). */
	Derived<bool> exportsContiguous;
	/* Set when the device can only use memory allocated by this DRM device. */
	Derived<std::string> memoryOnlyFrom;

	bool acceptsFormat(uint32_t fourcc, uint64_t modifier = kModifierLinear) const;
	/* It takes fourcc in some layout, linear or not. */
	bool takesFormat(uint32_t fourcc) const;
	/* Contiguous and not behind an IOMMU: the scatter-gather system heap won't do. */
	bool needsContiguousMemory() const { return contiguous.value && !iommu.value; }
	/* An address limit that matters: no IOMMU to remap pages below it. */
	bool limitsAddresses() const { return addressLimit.value && !iommu.value; }

	/* "vivid-001 (/dev/video8, V4L2 capture)" */
	std::string label() const;
};

} /* namespace dmabridge */
