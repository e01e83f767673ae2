/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

#include <linux/dma-heap.h>

#include <dmabridge/heap.h>

#include "../device/kernel_text.h"
#include "../device/node_access.h"
#include "../device/sysfs.h"
#include "../internal/counters.h"
#include "../internal/directory.h"
#include "../internal/ioctl.h"
#include "../internal/page.h"
#include "heap_table.h"

namespace fs = std::filesystem;

namespace dmabridge {

namespace {

/* Bytes of a CMA area: its total_pages where the kernel has it, else CmaTotal when it is
 * the only area (Linux 6.1 lists no size in /sys/kernel/mm/cma). 0: unknown. */
uint64_t cmaAreaSize(const fs::path &areas, const fs::path &area)
{
	std::string pages = internal::readTextFile((area / "total_pages").string());
	if (!pages.empty())
		return std::strtoull(pages.c_str(), nullptr, 10) * internal::pageSize();
	unsigned count = 0;
	internal::forEachEntry(areas, [&](const fs::directory_entry &) { count++; });
	if (count != 1)
		return 0;
	return internal::meminfoBytes(internal::readTextFile("/proc/meminfo"), "CmaTotal")
		.value_or(0);
}

/* What the heap is: a CMA area in sysfs, the system heap, the name table's, or unknown. */
void classify(HeapInfo &info)
{
	std::error_code ec;
	fs::path areas = internal::sysfsPath("kernel/mm/cma");
	fs::path area = areas / info.kernelName;
	bool haveAreas = fs::is_directory(areas, ec);
	std::optional<internal::KnownHeap> known = internal::knownHeap(info.kernelName);
	if (haveAreas && fs::is_directory(area, ec)) {
		info.kind = HeapKind::Cma;
		info.contiguous = true;
		info.cached = true; /* cma_heap.c maps its pages cached */
		info.size = cmaAreaSize(areas, area);
		info.reason = "'" + info.kernelName + "' is a CMA area (" + area.string() + ")";
	} else if (known && (!known->contiguous || !haveAreas)) {
		/* The system heap by its name; without CMA sysfs, the table's names too. */
		info.kind = known->contiguous ? HeapKind::Cma : HeapKind::System;
		info.contiguous = known->contiguous;
		info.cached = known->cached;
		info.reason = std::string(known->reason);
		if (known->contiguous)
			info.reason += " (name table: no " + areas.string() +
				       " to check, CONFIG_CMA_SYSFS is off)";
	} else {
		info.kind = HeapKind::Unknown;
		info.contiguous = false;
		info.reason = "'" + info.kernelName + "' is neither the system heap nor " +
			      (haveAreas ? "a CMA area in " + areas.string()
					 : std::string("a name the library knows")) +
			      ": its memory is of an unknown kind, so no plan uses it";
	}
}

} /* namespace */

const char *heapKindName(HeapKind kind)
{
	/* In the order of HeapKind. */
	static const char *const kNames[] = { "system", "CMA", "unknown" };
	return kNames[int(kind)];
}

std::vector<HeapInfo> listHeaps(const std::string &dir)
{
	std::vector<HeapInfo> heaps;
	internal::forEachEntry(dir, [&](const fs::directory_entry &entry) {
		HeapInfo info;
		info.name = entry.path().filename().string();
		info.path = entry.path().string();
		info.kernelName = info.name;
		std::error_code ec;
		if (entry.is_symlink(ec)) {
			fs::path target = fs::canonical(entry.path(), ec);
			if (!ec)
				info.kernelName = target.filename().string();
		}
		classify(info);
		if (info.kernelName != info.name)
			info.reason = "'" + info.name + "' links to '" + info.kernelName + "'; " +
				      info.reason;
		heaps.push_back(std::move(info));
	});
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
		if (heap.usable() && heap.contiguous == contiguous)
			return std::move(heap);
	}
	std::string names;
	for (const HeapInfo &heap : heaps)
		names += (names.empty() ? "" : ", ") + heap.name +
			 (heap.usable() ? "" : " (unknown kind)");
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
