/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <dmabridge/constraints.h>
#include <dmabridge/dmabuf.h>
#include <dmabridge/drm.h>
#include <dmabridge/error.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/* The GPU API a converter drives. */
enum class GpuApi
{
	Gles,
	Vulkan
};

/* A GPU to probe: its API, where it runs, and what its results hold for. */
struct GpuProbeTarget
{
	GpuApi api = GpuApi::Gles;
	/* GLES: the DRM node EGL runs on (kSoftwareDevice: none); Vulkan: the physical
	 * device's index. */
	std::string device;
	/* The DRM node whose dumb buffers are the GPU's own ("" when it has none). */
	std::string ownDrmNode;
	/* The driver and its version ("llvmpipe (LLVM 19.1.7, 256 bits); OpenGL ES 3.2 Mesa
	 * 25.0.7"): results are cached per key (and kernel release). */
	std::string key;
};

/* What the driver did with one kind of memory. */
struct MemoryProbeResult
{
	enum class Outcome
	{
		Usable,      /* sampled and rendered into, every pixel read back right */
		Refused,     /* the import or the render target was refused (an error) */
		WrongPixels, /* accepted, but what was read back is not what was drawn */
		Crashed,     /* the probe process died using it */
		Unavailable, /* nothing here allocates it: not probed */
	};
	MemoryKind kind = MemoryKind::SystemHeap;
	Outcome outcome = Outcome::Unavailable;
	std::string detail;
};
const char *outcomeName(MemoryProbeResult::Outcome outcome); /* "usable", "crashed"... */

/*
 * What a GPU driver can really use, found by trying: for each kind of memory the planner
 * may choose, a small XRGB8888 buffer is allocated, drawn by the CPU, imported and
 * sampled, rendered into another of the same kind, and read back through the sync scope.
 * Drivers accept imports they then crash on (Mesa 22.3's software driver does on any
 * memory but its own device's), so the probe runs in a child process
 * (dmabridge-gpu-probe), started again after a crash for the kinds left.
 */
struct GpuMemoryReport
{
	std::string key;
	std::vector<MemoryProbeResult> results;
	bool fromCache = false; /* read from this process's or the file cache */
	unsigned processes = 0; /* probe processes run for it (0 when cached) */
	double seconds = 0;     /* wall time of the probe when it ran */

	MemoryKinds usable() const;
	/* "probed: llvmpipe ... sampled and rendered system heap, ...; crashed on ..." */
	std::string summary() const;
};

/*
 * Probes target, or returns the result cached for its key in this process or in
 * $XDG_CACHE_HOME/dmabridge-gpu (~/.cache without it) when the same kinds of memory are
 * there to allocate. Errors only when the probe could not run at all.
 */
Result<GpuMemoryReport> probeGpuMemory(const GpuProbeTarget &target);

/*
 * The kind of memory a buffer is, from who exported it (fdinfo's exp_name): a heap by its
 * name, udmabuf, a V4L2 allocator (videobuf2_*), or a DRM device's, which is own dumb
 * memory only when ownDevice (a DrmDevice of its own: see DrmDevice::allocated) made it.
 * None for anything else (another DRM device's buffers, an unknown exporter).
 */
std::optional<MemoryKind> memoryKindOf(const DmaBuf &buffer, const DrmDevice *ownDevice);

/* Forgets this process's cached reports (the file cache stays): for tests. */
void forgetGpuMemoryReports();

/*
 * Records a report in a GPU's constraints: the memory it can use, with the report's
 * summary as source; only its own device's memory makes that device the allocator.
 */
void applyMemoryReport(DeviceConstraints &device, const GpuMemoryReport &report);

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
