/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>

namespace dmabridge::internal {

/*
 * The CPU's page size, of which dma-buf sizes, udmabuf lengths and CMA areas are whole
 * multiples: 4 KiB on x86; 4, 16 or 64 KiB on arm64 (Raspberry Pi 5's kernel uses
 * 16 KiB). Asked of the kernel (sysconf), never assumed.
 */
uint32_t pageSize();

/*
 * Makes pageSize() answer bytes instead of the kernel (0: the kernel again), so that tests
 * on a 4 KiB machine see what a 16 KiB one would do; nothing else may call it.
 */
void setPageSizeForTest(uint32_t bytes);

/* size rounded up to whole pages of page bytes. */
inline uint64_t wholePages(uint64_t size, uint64_t page)
{
	return (size + page - 1) / page * page;
}

/* The whole pages around bytes [offset, offset + length): where a mapping starts, and
 * how long it is. */
struct PageWindow
{
	uint64_t start;
	uint64_t length;
};
inline PageWindow pageWindow(uint64_t offset, uint64_t length, uint64_t page)
{
	uint64_t start = offset / page * page;
	return { start, wholePages(offset + length, page) - start };
}

} /* namespace dmabridge::internal */
