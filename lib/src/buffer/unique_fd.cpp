/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <unistd.h>

#include <dmabridge/unique_fd.h>

namespace dmabridge {

UniqueFd &UniqueFd::operator=(UniqueFd &&other) noexcept
{
	if (this != &other)
		reset(other.release());
	return *this;
}

int UniqueFd::release()
{
	int fd = fd_;
	fd_ = -1;
	return fd;
}

void UniqueFd::reset(int fd)
{
	if (fd_ >= 0 && fd_ != fd)
		::close(fd_);
	fd_ = fd;
}

UniqueFd UniqueFd::duplicate() const
{
	if (fd_ < 0)
		return {};
	return UniqueFd(::fcntl(fd_, F_DUPFD_CLOEXEC, 0));
}

SharedFd::SharedFd(UniqueFd fd)
{
	if (fd.isValid())
		fd_ = std::make_shared<UniqueFd>(std::move(fd));
}

SharedFd SharedFd::duplicateOf(int fd)
{
	if (fd < 0)
		return {};
	return SharedFd(UniqueFd(::fcntl(fd, F_DUPFD_CLOEXEC, 0)));
}

UniqueFd SharedFd::duplicate() const
{
	return fd_ ? fd_->duplicate() : UniqueFd();
}

} /* namespace dmabridge */
