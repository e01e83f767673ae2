/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/mman.h>

#include <linux/dma-buf.h>

#include <dmabridge/dmabuf.h>

#include "../internal/counters.h"
#include "../internal/ioctl.h"

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

CpuAccess::CpuAccess(const DmaBuf &buffer, CpuAccessMode mode, uint64_t *syncCounter)
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

	/* Buffers mapped for reading are never mapped writable. */
	int prot = writes ? PROT_READ | PROT_WRITE : PROT_READ;
	void *map = ::mmap(nullptr, buffer_.size(), prot, MAP_SHARED, buffer_.fd().get(), 0);
	if (map == MAP_FAILED) {
		error_ = Error::fromErrno(errno, "mmap of a " + std::to_string(buffer_.size()) +
							 "-byte dma-buf");
		return;
	}

	if (syncCounter_)
		++*syncCounter_;
	if (syncBuffer(buffer_.fd().get(), DMA_BUF_SYNC_START | syncDirection(mode_)) < 0) {
		error_ = Error::fromErrno(errno, "DMA_BUF_IOCTL_SYNC START");
		::munmap(map, buffer_.size());
		return;
	}

	internal::countCpuMapping();
	data_ = static_cast<uint8_t *>(map);
	size_ = buffer_.size();
}

CpuAccess::~CpuAccess()
{
	if (!data_)
		return;
	/* END can only fail for a bad fd or flags: nothing to undo, the mapping still goes. */
	if (syncCounter_)
		++*syncCounter_;
	(void)syncBuffer(buffer_.fd().get(), DMA_BUF_SYNC_END | syncDirection(mode_));
	::munmap(data_, size_);
}

std::span<uint8_t> CpuAccess::write() const
{
	if (mode_ == CpuAccessMode::Read)
		return {};
	return { data_, size_ };
}

} /* namespace dmabridge */
