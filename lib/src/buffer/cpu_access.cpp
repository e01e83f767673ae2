/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <algorithm>
#include <sys/mman.h>

#include <linux/dma-buf.h>

#include <dmabridge/dmabuf.h>

#include "../internal/counters.h"
#include "../internal/ioctl.h"
#include "../internal/page.h"

namespace dmabridge {

static uint64_t syncDirection(CpuAccessMode mode)
{
	switch (mode) {
	case CpuAccessMode::Read:
		return DMA_BUF_SYNC_READ;
	case CpuAccessMode::Write:
		return DMA_BUF_SYNC_WRITE;
	case CpuAccessMode::ReadWrite:
		break;
	}
	return DMA_BUF_SYNC_RW;
}

static int syncBuffer(int fd, uint64_t flags)
{
	struct dma_buf_sync sync = { flags };
	internal::countSyncCall();
	return internal::retryIoctl(fd, DMA_BUF_IOCTL_SYNC, &sync);
}

CpuAccess::CpuAccess(const DmaBuf &buffer, CpuAccessMode mode, SyncCounter *syncCounter)
	: CpuAccess(buffer, mode, ByteRange{ 0, buffer.size() }, syncCounter)
{
}

CpuAccess::CpuAccess(const DmaBuf &buffer, CpuAccessMode mode, ByteRange range,
		     SyncCounter *syncCounter)
	: buffer_(buffer), mode_(mode), syncCounter_(syncCounter)
{
	if (!buffer_.isValid()) {
		error_ = Error(EBADF, "CPU access to an invalid dma-buf");
		return;
	}
	bool writes = mode != CpuAccessMode::Read;
	if (writes && buffer_.fdAccess() == FdAccess::ReadOnly) {
		error_ = Error(EACCES, "CPU write access to a dma-buf opened read-only");
		return;
	}
	if (!range.length || range.offset > buffer_.size() ||
	    range.length > buffer_.size() - range.offset) {
		error_ = Error(EINVAL, "CPU access to bytes " + std::to_string(range.offset) + "+" +
					       std::to_string(range.length) + " of a " +
					       std::to_string(buffer_.size()) + "-byte dma-buf");
		return;
	}

	/* Buffers mapped for reading are never mapped writable. */
	int prot = writes ? PROT_READ | PROT_WRITE : PROT_READ;
	internal::PageWindow window =
		internal::pageWindow(range.offset, range.length, internal::pageSize());
	/* Not past the buffer's end, whatever page size (a test's) rounded the window to. */
	window.length = std::min<uint64_t>(window.length, buffer_.size() - window.start);
	void *map = ::mmap(nullptr, size_t(window.length), prot, MAP_SHARED, buffer_.fd().get(),
			   off_t(window.start));
	if (map == MAP_FAILED) {
		error_ = Error::fromErrno(
			errno, "mmap of " + std::to_string(window.length) + " bytes of a " +
				       std::to_string(buffer_.size()) + "-byte dma-buf");
		return;
	}

	if (syncCounter_)
		syncCounter_->fetch_add(1, std::memory_order_relaxed);
	if (syncBuffer(buffer_.fd().get(), DMA_BUF_SYNC_START | syncDirection(mode_)) < 0) {
		error_ = Error::fromErrno(errno, "DMA_BUF_IOCTL_SYNC START");
		::munmap(map, size_t(window.length));
		return;
	}

	internal::countCpuMapping();
	map_ = map;
	mapSize_ = size_t(window.length);
	data_ = static_cast<uint8_t *>(map) + (range.offset - window.start);
	size_ = size_t(range.length);
}

CpuAccess::~CpuAccess()
{
	if (!data_)
		return;
	/* END can only fail for a bad fd or flags: nothing to undo, the mapping still goes. */
	if (syncCounter_)
		syncCounter_->fetch_add(1, std::memory_order_relaxed);
	(void)syncBuffer(buffer_.fd().get(), DMA_BUF_SYNC_END | syncDirection(mode_));
	::munmap(map_, mapSize_);
}

std::span<uint8_t> CpuAccess::write() const
{
	if (mode_ == CpuAccessMode::Read)
		return {};
	return { data_, size_ };
}

} /* namespace dmabridge */
