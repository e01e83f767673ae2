/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which kind of memory a dma-buf is, told by its exporter's name: each exporter names
 * itself in fdinfo (exp_name), the heaps by their own names, the DRM core as "drm"
 * (KBUILD_MODNAME of drm_prime.c) for every driver, so a DRM buffer's maker is asked.
 */
#include <dmabridge/gpu_probe.h>
#include <dmabridge/heap.h>

namespace dmabridge {

std::optional<MemoryKind> memoryKindOf(const DmaBuf &buffer, const DrmDevice *ownDevice)
{
	std::string exporter = buffer.exporter();
	if (exporter == "udmabuf")
		return MemoryKind::Udmabuf;
	if (exporter.rfind("videobuf2", 0) == 0)
		return MemoryKind::V4l2Export;
	if (exporter == "drm") {
		Result<bool> own = ownDevice ? ownDevice->allocated(buffer) : Result<bool>(false);
		if (own && *own)
			return MemoryKind::OwnDumb;
		return std::nullopt;
	}
	for (const HeapInfo &heap : listHeaps())
		if (heap.usable() && (exporter == heap.name || exporter == heap.kernelName))
			return heap.kind == HeapKind::Cma ? MemoryKind::CmaHeap
							  : MemoryKind::SystemHeap;
	return std::nullopt;
}

} /* namespace dmabridge */
