/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <dmabridge/dmabuf.h>
#include <dmabridge/error.h>
#include <dmabridge/public.h>
#include <dmabridge/unique_fd.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * What a heap is. Mainline Linux has the system heap and one CMA heap per CMA area;
 * anything else (a vendor's carveout, a secure or uncached heap) is unknown: its memory
 * may not be mappable or reachable by every device, so no plan chooses it.
 */
enum class HeapKind
{
	System,
	Cma,
	Unknown
};
const char *heapKindName(HeapKind kind); /* "system", "CMA", "unknown" */

/* What a dma-buf heap hands out, as the devices importing from it will see it. */
struct HeapInfo
{
	std::string name;        /* the node's name in /dev/dma_heap */
	std::string path;        /* /dev/dma_heap/<name> */
	std::string kernelName;  /* the heap behind it, when the node is a link (vidbuf_cached) */
	bool contiguous = false; /* physically contiguous (CMA) or scattered pages */
	bool cached = true;      /* CPU mappings cached: CPU access needs the sync ioctl */
	std::string reason;      /* why the library believes what it does of the heap */
	HeapKind kind = HeapKind::Unknown;
	uint64_t size = 0; /* bytes of a CMA area, when the kernel tells; 0: unknown */

	/* A kind the planner may choose: system or CMA. */
	bool usable() const { return kind != HeapKind::Unknown; }
};

/*
 * Every heap under dir, known by what it is: a CMA area when /sys/kernel/mm/cma has its
 * name (CONFIG_CMA_SYSFS), the system heap by its name; without that sysfs directory, by
 * the table of known names. Any other heap is unknown.
 */
std::vector<HeapInfo> listHeaps(const std::string &dir = "/dev/dma_heap");

/* The first usable heap of the wanted kind; ENOENT naming what was looked for when none. */
Result<HeapInfo> findHeap(bool contiguous, const std::string &dir = "/dev/dma_heap");

/* An open dma-buf heap. */
class DmaHeap
{
public:
	static Result<DmaHeap> open(HeapInfo info);

	const HeapInfo &info() const { return info_; }

	/* A new dma-buf of at least size bytes, named (if given) for debugfs's bufinfo. */
	Result<DmaBuf> allocate(size_t size, std::string_view name = {}) const;

private:
	DmaHeap(HeapInfo info, UniqueFd fd) : info_(std::move(info)), fd_(std::move(fd)) {}

	HeapInfo info_;
	SharedFd fd_;
};

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
