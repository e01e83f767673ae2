/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "syscall_counter.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdarg>
#include <dlfcn.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/types.h> /* __TIMESIZE: the C library's own time_t */

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
std::atomic<void (*)()> displayCommitCallback{ nullptr };

bool isDisplayCommit(unsigned long request)
{
	return request == DRM_IOCTL_MODE_ATOMIC || request == DRM_IOCTL_MODE_SETPLANE ||
	       request == DRM_IOCTL_MODE_PAGE_FLIP || request == DRM_IOCTL_MODE_SETCRTC;
}

/* After a call returned: the callback armed for the first display commit, once. */
void afterIoctl(unsigned long request)
{
	if (!isDisplayCommit(request) || !displayCommitCallback.load(std::memory_order_relaxed))
		return;
	int saved = errno; /* the caller reads the call's own */
	if (void (*callback)() = displayCommitCallback.exchange(nullptr))
		callback();
	errno = saved;
}

void countIoctl(unsigned long request)
{
	for (size_t i = 0; i < kOtherIoctl; i++)
		if (kKinds[i].request == request) {
			counts[i]++;
			return;
		}
	counts[kOtherIoctl]++;
}

void countPoll()
{
	counts[kPoll]++;
}

/* poll and ppoll by number: aarch64 has no poll system call, 32-bit machines a ppoll
 * with a 64-bit time_t besides the old one. */
bool isPollSyscall(long number)
{
#ifdef SYS_poll
	if (number == SYS_poll)
		return true;
#endif
#ifdef SYS_ppoll_time64
	if (number == SYS_ppoll_time64)
		return true;
#endif
	return number == SYS_ppoll;
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

void afterNextDisplayCommit(void (*callback)())
{
	displayCommitCallback = callback;
}

} /* namespace dmabridge::bench */

using dmabridge::bench::afterIoctl;
using dmabridge::bench::countIoctl;
using dmabridge::bench::countPoll;
using dmabridge::bench::next;

/*
 * The symbols exported, each named: glibc's headers rename some of the functions they
 * declare. On a 32-bit machine with a 64-bit time_t (armhf since Debian 13), a program's
 * ioctl() calls __ioctl_time64 and its ppoll() __ppoll64, while code built with a 32-bit
 * time_t still calls ioctl() and ppoll(): both names of each are counted.
 */
extern "C" {
int countedIoctl(int fd, unsigned long request, ...) __asm__("ioctl");
long countedSyscall(long number, ...) __asm__("syscall");
int countedPoll(struct pollfd *fds, nfds_t count, int timeout) __asm__("poll");
int countedPpoll(struct pollfd *fds, nfds_t count, const struct timespec *timeout,
		 const sigset_t *mask) __asm__("ppoll");
#if __TIMESIZE == 32
int countedIoctlTime64(int fd, unsigned long request, ...) __asm__("__ioctl_time64");
int countedPpollTime64(struct pollfd *fds, nfds_t count, const struct timespec *timeout,
		       const sigset_t *mask) __asm__("__ppoll64");
#endif
}

namespace {
using Ioctl = int (*)(int, unsigned long, void *);
using Ppoll = int (*)(pollfd *, nfds_t, const timespec *, const sigset_t *);
} /* namespace */

/* An exported ioctl, forwarding to the C library's function of that symbol. */
#define COUNTED_IOCTL(function, symbol)                                                            \
	int function(int fd, unsigned long request, ...)                                           \
	{                                                                                          \
		static auto real = next<Ioctl>(symbol);                                            \
		va_list args;                                                                      \
		va_start(args, request);                                                           \
		void *arg = va_arg(args, void *);                                                  \
		va_end(args);                                                                      \
		countIoctl(request);                                                               \
		int ret = real(fd, request, arg);                                                  \
		afterIoctl(request);                                                               \
		return ret;                                                                        \
	}

COUNTED_IOCTL(countedIoctl, "ioctl")

/*
 * Arguments pass through as the machine words they arrived in: a 64-bit argument on
 * 32-bit ARM is two words (aligned to an even register, after a padding word), which go
 * on as they are. Seven words after the number: no system call takes more anywhere.
 * Callers pass only the words their call takes, so the rest are read from beyond what
 * they passed, as the C library's own syscall() does: AddressSanitizer must not object.
 */
__attribute__((no_sanitize("address"))) long countedSyscall(long number, ...)
{
	static auto real =
		next<long (*)(long, long, long, long, long, long, long, long)>("syscall");
	va_list args;
	va_start(args, number);
	long a[7];
	for (long &value : a)
		value = va_arg(args, long);
	va_end(args);
	if (number == SYS_ioctl)
		countIoctl(static_cast<unsigned long>(a[1]));
	else if (dmabridge::bench::isPollSyscall(number))
		countPoll();
	long ret = real(number, a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
	if (number == SYS_ioctl)
		afterIoctl(static_cast<unsigned long>(a[1]));
	return ret;
}

int countedPoll(struct pollfd *fds, nfds_t count, int timeout)
{
	static auto real = next<int (*)(pollfd *, nfds_t, int)>("poll");
	countPoll();
	return real(fds, count, timeout);
}

int countedPpoll(struct pollfd *fds, nfds_t count, const struct timespec *timeout,
		 const sigset_t *mask)
{
	static auto real = next<Ppoll>("ppoll");
	countPoll();
	return real(fds, count, timeout, mask);
}

#if __TIMESIZE == 32
COUNTED_IOCTL(countedIoctlTime64, "__ioctl_time64")

int countedPpollTime64(struct pollfd *fds, nfds_t count, const struct timespec *timeout,
		       const sigset_t *mask)
{
	static auto real = next<Ppoll>("__ppoll64");
	countPoll();
	return real(fds, count, timeout, mask);
}
#endif
