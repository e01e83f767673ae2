/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "internal/counters.h"

#include <atomic>

#include <dmabridge/dmabuf.h>

namespace dmabridge {

namespace {
std::atomic<uint64_t> syncCalls;
std::atomic<uint64_t> cpuMappings;
std::atomic<uint64_t> allocations;
std::atomic<uint64_t> eglImages;
std::atomic<uint64_t> vulkanMemories;
} /* namespace */

Counters counters()
{
	return { syncCalls.load(), cpuMappings.load(), allocations.load(), eglImages.load(),
		 vulkanMemories.load() };
}

namespace internal {
void countSyncCall()
{
	syncCalls.fetch_add(1, std::memory_order_relaxed);
}
void countCpuMapping()
{
	cpuMappings.fetch_add(1, std::memory_order_relaxed);
}
void countAllocation()
{
	allocations.fetch_add(1, std::memory_order_relaxed);
}
void countEglImage(int change)
{
	eglImages.fetch_add(uint64_t(int64_t(change)), std::memory_order_relaxed);
}
void countVulkanMemory(int change)
{
	vulkanMemories.fetch_add(uint64_t(int64_t(change)), std::memory_order_relaxed);
}
} /* namespace internal */

} /* namespace dmabridge */
