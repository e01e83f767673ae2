/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The micro-benchmark: what one DMA_BUF_IOCTL_SYNC START/END pair costs per MiB on each
 * kind of memory, and what allocating a frame and importing it into the display costs.
 */
#include "micro.h"

#include <chrono>
#include <sys/ioctl.h>

#include <drm_fourcc.h>
#include <linux/dma-buf.h>

#include <dmabridge/drm.h>
#include <dmabridge/heap.h>
#include <dmabridge/layout.h>
#include <dmabridge/udmabuf.h>

namespace dmabridge::bench {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point start)
{
	return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

Result<DmaBuf> allocateFrom(const std::string &memory, size_t size)
{
	if (memory == "udmabuf")
		return allocateUdmabuf(size, "bench");
	for (const HeapInfo &heap : listHeaps())
		if (heap.name == memory) {
			Result<DmaHeap> opened = DmaHeap::open(heap);
			if (!opened)
				return opened.error();
			return opened->allocate(size, "bench");
		}
	return Error(ENOENT, "no heap " + memory);
}

} /* namespace */

std::vector<MicroResult> runMicro()
{
	std::vector<MicroResult> results;
	std::vector<std::string> kinds;
	for (const HeapInfo &heap : listHeaps())
		kinds.push_back(heap.name);
	kinds.push_back("udmabuf");
	Result<Layout> frame = computeLayout(DRM_FORMAT_XRGB8888, 1920, 1080, {});
	Result<DrmDevice> display = DrmDevice::openByDriver("vkms");

	for (const std::string &kind : kinds) {
		MicroResult result{ kind };
		constexpr size_t kSize = 8 << 20;
		constexpr int kPairs = 200;
		Result<DmaBuf> buffer = allocateFrom(kind, kSize);
		if (!buffer) {
			result.note = buffer.error().describe();
			results.push_back(result);
			continue;
		}
		/* The ioctl alone: no mapping, no pixel touched (the cache maintenance is it). */
		Clock::time_point start = Clock::now();
		for (int i = 0; i < kPairs; i++) {
			dma_buf_sync sync{ DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };
			::ioctl(buffer->fd().get(), DMA_BUF_IOCTL_SYNC, &sync);
			sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
			::ioctl(buffer->fd().get(), DMA_BUF_IOCTL_SYNC, &sync);
		}
		result.syncPairPerMiBUs = since(start) / kPairs / (kSize >> 20);

		if (frame && display) {
			start = Clock::now();
			Result<DmaBuf> fresh = allocateFrom(kind, frame->bufferSize(0));
			result.allocateUs = since(start);
			if (fresh) {
				FramebufferCache cache(*display);
				start = Clock::now();
				Result<uint32_t> fb = cache.framebuffer({ &*fresh, 1 }, *frame);
				result.importUs = since(start);
				if (!fb)
					result.note = "vkms import fails: " + fb.error().describe();
			}
		}
		results.push_back(result);
	}
	return results;
}

} /* namespace dmabridge::bench */
