/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <dmabridge/layout.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/* A fact about a device and where the library learned it ("sysfs: no iommu_group"). */
template<typename T>
struct Derived
{
	T value{};
	std::string source;
};

/*
 * Where a dma-buf's memory comes from, as an importer's driver sees it: what a GPU driver
 * can really use is a set of these, probed (see gpu_probe.h), since drivers accept imports
 * they then can't use.
 */
enum class MemoryKind : uint8_t
{
	SystemHeap, /* the system dma-buf heap: scattered pages */
	CmaHeap,    /* a CMA dma-buf heap: contiguous pages */
	Udmabuf,    /* /dev/udmabuf over a memfd */
	OwnDumb,    /* dumb buffers of the importer's own DRM device */
	V4l2Export, /* buffers a V4L2 device allocated and exported (EXPBUF) */
};
inline constexpr MemoryKind kMemoryKinds[] = { MemoryKind::SystemHeap, MemoryKind::CmaHeap,
					       MemoryKind::Udmabuf, MemoryKind::OwnDumb,
					       MemoryKind::V4l2Export };
/* "system heap", "CMA heap", "udmabuf", "own dumb buffers", "V4L2 exports" */
const char *memoryKindName(MemoryKind kind);
/* The short name tools and the probe's cache write: "system-heap", "cma-heap"... */
const char *memoryKindKey(MemoryKind kind);
bool memoryKindFromKey(std::string_view key, MemoryKind *kind);

/* A set of memory kinds. */
struct MemoryKinds
{
	uint32_t bits = 0;

	static MemoryKinds all() { return { (1u << std::size(kMemoryKinds)) - 1 }; }
	bool has(MemoryKind kind) const { return bits & (1u << unsigned(kind)); }
	void add(MemoryKind kind) { bits |= 1u << unsigned(kind); }
	bool isAll() const { return bits == all().bits; }
	MemoryKinds operator&(MemoryKinds other) const { return { bits & other.bits }; }
	bool operator==(const MemoryKinds &) const = default;
	/* "system heap, CMA heap and udmabuf"; "nothing" when empty. */
	std::string describe() const;
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
	/* The kinds of memory its driver can really use: all, unless probed otherwise. */
	Derived<MemoryKinds> usableMemory{ MemoryKinds::all(), {} };

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

DMABRIDGE_PUBLIC_END
