/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Known dma-buf heap names and what they hand out: what listHeaps() falls back on when
 * the kernel doesn't list its CMA areas in /sys/kernel/mm/cma (CONFIG_CMA_SYSFS off).
 * Mainline Linux has two heap drivers: "system" (scattered pages) and the CMA heap, named
 * after its CMA area: "linux,cma" from a device tree's shared-dma-pool, "reserved" from
 * the cma= kernel argument, and "default_cma_region" since Linux 6.17 (drivers/dma-buf/
 * heaps/cma_heap.c, kernel/dma/contiguous.c). Vendors add more, often as udev links
 * (Raspberry Pi OS's vidbuf_cached points at linux,cma on a Pi 4 and at system on a Pi 5),
 * so links are followed before this table is read.
 */
#include "heap_table.h"

#include <array>

namespace dmabridge::internal {

namespace {

constexpr std::array kKnownHeaps = {
	KnownHeap{ "system", false, true, "the system heap hands out scattered pages" },
	KnownHeap{ "system-uncached", false, false,
		   "the uncached system heap hands out scattered, write-combined pages" },
	KnownHeap{ "system_uncached", false, false,
		   "the uncached system heap hands out scattered, write-combined pages" },
	KnownHeap{ "linux,cma", true, true, "'linux,cma' is the device tree's CMA area" },
	KnownHeap{ "reserved", true, true, "'reserved' is the CMA area of the cma= argument" },
	KnownHeap{ "default_cma_region", true, true,
		   "'default_cma_region' is the default CMA area" },
	KnownHeap{ "cma", true, true, "'cma' is a CMA area" },
	KnownHeap{ "vidbuf_cached", true, true,
		   "'vidbuf_cached' is Raspberry Pi OS's video heap, CMA on boards without IOMMU" },
};

} /* namespace */

std::optional<KnownHeap> knownHeap(std::string_view kernelName)
{
	for (const KnownHeap &heap : kKnownHeaps) {
		if (heap.name == kernelName)
			return heap;
	}
	return std::nullopt;
}

} /* namespace dmabridge::internal */
