/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cerrno>
#include <sys/ioctl.h>

namespace dmabridge::internal {

/* ioctl() retried while a signal interrupts it or the driver asks to try again. */
template<typename Arg>
int retryIoctl(int fd, unsigned long request, Arg arg)
{
	int ret;
	do {
		ret = ::ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret;
}

} /* namespace dmabridge::internal */
