/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/magic.h>

#include <dmabridge/dmabuf.h>

#include "../device/kernel_text.h"
#include "../internal/counters.h"
#include "../internal/ioctl.h"

namespace dmabridge {

Result<DmaBuf> DmaBuf::fromFd(SharedFd fd)
{
	if (!fd.isValid())
		return Error(EBADF, "not a dma-buf: invalid file descriptor");

	struct statfs fs;
	if (::fstatfs(fd.get(), &fs) < 0)
		return Error::fromErrno(errno, "fd " + std::to_string(fd.get()) + " is not usable");
	if (fs.f_type != DMA_BUF_MAGIC)
		return Error(EINVAL,
			     "fd " + std::to_string(fd.get()) +
				     " is not a dma-buf (it belongs to another file system)");

	struct stat st;
	if (::fstat(fd.get(), &st) < 0)
		return Error::fromErrno(errno, "fstat on dma-buf fd " + std::to_string(fd.get()));

	off_t end = ::lseek(fd.get(), 0, SEEK_END);
	if (end < 0)
		return Error::fromErrno(errno, "cannot read the size of dma-buf fd " +
						       std::to_string(fd.get()));
	::lseek(fd.get(), 0, SEEK_SET);

	int flags = ::fcntl(fd.get(), F_GETFL);

	DmaBuf buffer;
	buffer.fd_ = std::move(fd);
	buffer.size_ = size_t(end);
	buffer.identity_ = { uint64_t(st.st_dev), uint64_t(st.st_ino) };
	buffer.access_ = (flags >= 0 && (flags & O_ACCMODE) == O_RDONLY) ? FdAccess::ReadOnly
									 : FdAccess::ReadWrite;
	return buffer;
}

Status DmaBuf::setName(std::string_view name) const
{
	char buffer[DMA_BUF_NAME_LEN] = {};
	if (name.size() >= sizeof(buffer))
		return Error(EINVAL, "dma-buf name '" + std::string(name) + "' is longer than " +
					     std::to_string(DMA_BUF_NAME_LEN - 1) + " bytes");
	name.copy(buffer, name.size());
	if (internal::retryIoctl(fd_.get(), DMA_BUF_SET_NAME_B, buffer) < 0)
		return Error::fromErrno(errno, "DMA_BUF_SET_NAME '" + std::string(name) + "'");
	return {};
}

/* A field of this fd's /proc/self/fdinfo, empty when absent. */
static std::string fdinfoField(int fd, std::string_view key)
{
	return internal::textField(
		       internal::readTextFile("/proc/self/fdinfo/" + std::to_string(fd)), key)
		.value_or(std::string());
}

std::string DmaBuf::name() const
{
	return fdinfoField(fd_.get(), "name");
}

std::string DmaBuf::exporter() const
{
	return fdinfoField(fd_.get(), "exp_name");
}

#ifdef DMA_BUF_IOCTL_EXPORT_SYNC_FILE
static uint32_t fenceFlags(DmaBuf::FenceFor purpose)
{
	return purpose == DmaBuf::FenceFor::Read ? DMA_BUF_SYNC_READ : DMA_BUF_SYNC_WRITE;
}

Result<UniqueFd> DmaBuf::exportSyncFile(FenceFor purpose) const
{
	struct dma_buf_export_sync_file request = {};
	request.flags = fenceFlags(purpose);
	request.fd = -1;
	if (internal::retryIoctl(fd_.get(), DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &request) < 0)
		return Error::fromErrno(errno, "DMA_BUF_IOCTL_EXPORT_SYNC_FILE (needs Linux 6.0)");
	return UniqueFd(request.fd);
}

Status DmaBuf::importSyncFile(const UniqueFd &syncFile, FenceFor purpose) const
{
	struct dma_buf_import_sync_file request = {};
	request.flags = fenceFlags(purpose);
	request.fd = syncFile.get();
	if (internal::retryIoctl(fd_.get(), DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &request) < 0)
		return Error::fromErrno(errno, "DMA_BUF_IOCTL_IMPORT_SYNC_FILE (needs Linux 6.0)");
	return {};
}
#else
Result<UniqueFd> DmaBuf::exportSyncFile(FenceFor) const
{
	return Error(ENOTSUP, "sync_file export: built against headers older than Linux 6.0");
}

Status DmaBuf::importSyncFile(const UniqueFd &, FenceFor) const
{
	return Error(ENOTSUP, "sync_file import: built against headers older than Linux 6.0");
}
#endif

} /* namespace dmabridge */
