/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <dmabridge/dmabuf.h>
#include <dmabridge/error.h>
#include <dmabridge/unique_fd.h>

namespace dmabridge {

/* What a dma-buf heap hands out, as the devices importing from it will see it. */
struct HeapInfo
{
	std::string name;        /* the node's name in /dev/dma_heap */
	std::string path;        /* /dev/dma_heap/<name> */
	std::string kernelName;  /* the heap behind it, when the node is a link (vidbuf_cached) */
	bool contiguous = false; /* physically contiguous (CMA) or scattered pages */
	bool cached = true;      /* CPU mappings cached: CPU access needs the sync ioctl */
	std::string reason;      /* why the library believes the two above */
};

/* Every heap under dir, classified by the table of known heap names. */
std::vector<HeapInfo> listHeaps(const std::string &dir = "/dev/dma_heap");

/* The first heap of the wanted kind; ENOENT naming what was looked for when none. */
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
