/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <algorithm>
#include <fcntl.h>
#include <filesystem>

#include <linux/dma-heap.h>

#include <dmabridge/heap.h>

#include "../device/kernel_text.h"
#include "../device/node_access.h"
#include "../internal/counters.h"
#include "../internal/ioctl.h"
#include "heap_table.h"

namespace fs = std::filesystem;

namespace dmabridge {

std::vector<HeapInfo> listHeaps(const std::string &dir)
{
	std::vector<HeapInfo> heaps;
	std::error_code ec;
	for (const fs::directory_entry &entry : fs::directory_iterator(dir, ec)) {
		HeapInfo info;
		info.name = entry.path().filename().string();
		info.path = entry.path().string();
		info.kernelName = info.name;
		if (entry.is_symlink(ec))
			info.kernelName = fs::canonical(entry.path(), ec).filename().string();

		internal::KnownHeap known = internal::classifyHeap(info.kernelName);
		info.contiguous = known.contiguous;
		info.cached = known.cached;
		info.reason = std::string(known.reason);
		if (info.kernelName != info.name)
			info.reason = "'" + info.name + "' links to '" + info.kernelName + "'; " +
				      info.reason;
		heaps.push_back(std::move(info));
	}
	/* Cached before uncached, then by name: a stable order for reports and choices. */
	std::sort(heaps.begin(), heaps.end(), [](const HeapInfo &a, const HeapInfo &b) {
		return std::tie(b.cached, a.name) < std::tie(a.cached, b.name);
	});
	return heaps;
}

Result<HeapInfo> findHeap(bool contiguous, const std::string &dir)
{
	std::vector<HeapInfo> heaps = listHeaps(dir);
	for (HeapInfo &heap : heaps) {
		if (heap.contiguous == contiguous)
			return std::move(heap);
	}
	std::string names;
	for (const HeapInfo &heap : heaps)
		names += (names.empty() ? "" : ", ") + heap.name;
	return Error(ENOENT, std::string("no ") +
				     (contiguous ? "contiguous (CMA)" : "scatter-gather (system)") +
				     " dma-buf heap in " + dir +
				     " (found: " + (names.empty() ? "none" : names) + ")");
}

Result<DmaHeap> DmaHeap::open(HeapInfo info)
{
	UniqueFd fd(::open(info.path.c_str(), O_RDONLY | O_CLOEXEC));
	if (!fd) {
		int err = errno;
		std::string why = err == EACCES ? internal::permissionHint(info.path, false) : "";
		return Error::fromErrno(err, "cannot open dma-buf heap " + info.path + why);
	}
	return DmaHeap(std::move(info), std::move(fd));
}

Result<DmaBuf> DmaHeap::allocate(size_t size, std::string_view name) const
{
	struct dma_heap_allocation_data request = {};
	request.len = size;
	request.fd_flags = O_RDWR | O_CLOEXEC;
	if (internal::retryIoctl(fd_.get(), DMA_HEAP_IOCTL_ALLOC, &request) < 0) {
		int err = errno;
		std::string what = "dma-buf heap '" + info_.name + "' could not allocate " +
				   std::to_string(size) + " bytes";
		if (err == ENOMEM && info_.contiguous) {
			std::optional<uint64_t> free = internal::meminfoBytes(
				internal::readTextFile("/proc/meminfo"), "CmaFree");
			if (free)
				what += " (CMA has " + std::to_string(*free) +
					" bytes free, possibly fragmented)";
		}
		return Error::fromErrno(err, what);
	}
	internal::countAllocation();

	Result<DmaBuf> buffer = DmaBuf::fromFd(UniqueFd(int(request.fd)));
	if (buffer && !name.empty())
		(void)buffer->setName(name);
	return buffer;
}

} /* namespace dmabridge */
