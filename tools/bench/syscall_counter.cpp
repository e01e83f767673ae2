/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "syscall_counter.h"

#include <array>
#include <atomic>
#include <cstdarg>
#include <dlfcn.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include <drm.h>
#include <drm_mode.h>
#include <linux/dma-buf.h>
#include <linux/videodev2.h>

namespace dmabridge::bench {

namespace {

struct Kind
{
	unsigned long request; /* 0: not an ioctl */
	const char *name;
};

/* The calls of the frame path; everything else is counted as "ioctl (other)". */
constexpr std::array kKinds = {
	Kind{ VIDIOC_QBUF, "VIDIOC_QBUF" },
	Kind{ VIDIOC_DQBUF, "VIDIOC_DQBUF" },
	Kind{ VIDIOC_EXPBUF, "VIDIOC_EXPBUF" },
	Kind{ DRM_IOCTL_MODE_ATOMIC, "DRM_IOCTL_MODE_ATOMIC" },
	Kind{ DRM_IOCTL_MODE_SETPLANE, "DRM_IOCTL_MODE_SETPLANE" },
	Kind{ DRM_IOCTL_MODE_PAGE_FLIP, "DRM_IOCTL_MODE_PAGE_FLIP" },
	Kind{ DRM_IOCTL_WAIT_VBLANK, "DRM_IOCTL_WAIT_VBLANK" },
	Kind{ DRM_IOCTL_MODE_ADDFB2, "DRM_IOCTL_MODE_ADDFB2" },
	Kind{ DRM_IOCTL_MODE_RMFB, "DRM_IOCTL_MODE_RMFB" },
	Kind{ DRM_IOCTL_PRIME_FD_TO_HANDLE, "DRM_IOCTL_PRIME_FD_TO_HANDLE" },
	Kind{ DRM_IOCTL_GEM_CLOSE, "DRM_IOCTL_GEM_CLOSE" },
	Kind{ DMA_BUF_IOCTL_SYNC, "DMA_BUF_IOCTL_SYNC" },
	Kind{ 0, "ioctl (other)" },
	Kind{ 0, "poll" },
};
constexpr size_t kOtherIoctl = kKinds.size() - 2, kPoll = kKinds.size() - 1;

std::array<std::atomic<uint64_t>, kKinds.size()> counts;

void countIoctl(unsigned long request)
{
	for (size_t i = 0; i < kOtherIoctl; i++)
		if (kKinds[i].request == request) {
			counts[i]++;
			return;
		}
	counts[kOtherIoctl]++;
}

template<typename F>
F next(const char *name)
{
	return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

} /* namespace */

std::map<std::string, uint64_t> syscallCounts()
{
	std::map<std::string, uint64_t> result;
	for (size_t i = 0; i < kKinds.size(); i++)
		result[kKinds[i].name] = counts[i].load();
	return result;
}

} /* namespace dmabridge::bench */

using dmabridge::bench::countIoctl;

extern "C" {

int ioctl(int fd, unsigned long request, ...)
{
	static auto real = dmabridge::bench::next<int (*)(int, unsigned long, void *)>("ioctl");
	va_list args;
	va_start(args, request);
	void *arg = va_arg(args, void *);
	va_end(args);
	countIoctl(request);
	return real(fd, request, arg);
}

long syscall(long number, ...)
{
	static auto real =
		dmabridge::bench::next<long (*)(long, long, long, long, long, long, long)>(
			"syscall");
	va_list args;
	va_start(args, number);
	long a[6];
	for (long &value : a)
		value = va_arg(args, long);
	va_end(args);
	if (number == SYS_ioctl)
		countIoctl(static_cast<unsigned long>(a[1]));
	else if (number == SYS_poll || number == SYS_ppoll)
		dmabridge::bench::counts[dmabridge::bench::kPoll]++;
	return real(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

int poll(struct pollfd *fds, nfds_t count, int timeout)
{
	static auto real = dmabridge::bench::next<int (*)(pollfd *, nfds_t, int)>("poll");
	dmabridge::bench::counts[dmabridge::bench::kPoll]++;
	return real(fds, count, timeout);
}

int ppoll(struct pollfd *fds, nfds_t count, const struct timespec *timeout, const sigset_t *mask)
{
	static auto real = dmabridge::bench::next<int (*)(pollfd *, nfds_t, const timespec *,
							  const sigset_t *)>("ppoll");
	dmabridge::bench::counts[dmabridge::bench::kPoll]++;
	return real(fds, count, timeout, mask);
}

} /* extern "C" */
