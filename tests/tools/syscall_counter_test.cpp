/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The benchmark's system call counter (tools/bench/syscall_counter.cpp) must see the calls
 * of the frame path however they reach libc: ioctl() from this program and from shared
 * libraries (libdrm), syscall(SYS_ioctl) (libv4l2), poll() and ppoll(). On 32-bit ARM with
 * a 64-bit time_t, glibc's headers send ioctl() to __ioctl_time64 and ppoll() to __ppoll64:
 * a counter that exports only the plain names counts nothing there, and "no sync ioctl a
 * frame" would hold trivially. A memfd is no dma-buf, so each ioctl fails (ENOTTY), but
 * the call was made and must be counted.
 */
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <libv4l2.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include <dmabridge/unique_fd.h>

#include "bench/syscall_counter.h"

using dmabridge::UniqueFd;
using dmabridge::bench::syscallCounts;

namespace {

uint64_t counted(const char *kind)
{
	return syscallCounts()[kind];
}

UniqueFd notADmaBuf()
{
	return UniqueFd(::memfd_create("not-a-dma-buf", MFD_CLOEXEC));
}

/* Who makes the call, and how. */
struct Caller
{
	const char *who;
	int (*call)(int fd, unsigned long request, void *arg);
};

const Caller kCallers[] = {
	{ "this program, through ioctl()",
	  [](int fd, unsigned long request, void *arg) { return ::ioctl(fd, request, arg); } },
	/* A shared library compiled with its own view of time_t, calling ioctl() itself. */
	{ "libdrm",
	  [](int fd, unsigned long request, void *arg) { return drmIoctl(fd, request, arg); } },
	/* libv4l2 passes the ioctls of a node it doesn't emulate to syscall(SYS_ioctl). */
	{ "libv4l2, through syscall()",
	  [](int fd, unsigned long request, void *arg) { return v4l2_ioctl(fd, request, arg); } },
};

class SyncIoctl : public ::testing::TestWithParam<Caller>
{
};

TEST_P(SyncIoctl, IsCounted)
{
	UniqueFd fd = notADmaBuf();
	ASSERT_TRUE(fd.isValid());
	uint64_t before = counted("DMA_BUF_IOCTL_SYNC");
	struct dma_buf_sync sync = { DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	errno = 0;
	EXPECT_EQ(GetParam().call(fd.get(), DMA_BUF_IOCTL_SYNC, &sync), -1);
	EXPECT_EQ(errno, ENOTTY) << "the call reached the kernel";
	EXPECT_EQ(counted("DMA_BUF_IOCTL_SYNC"), before + 1) << GetParam().who;
}

INSTANTIATE_TEST_SUITE_P(Callers, SyncIoctl, ::testing::ValuesIn(kCallers));

TEST(SyscallCounter, CountsPollAndPpoll)
{
	UniqueFd fd = notADmaBuf();
	ASSERT_TRUE(fd.isValid());
	uint64_t before = counted("poll");
	struct pollfd entry = { fd.get(), POLLIN, 0 };
	EXPECT_EQ(::poll(&entry, 1, 0), 1);
	struct timespec none = {};
	EXPECT_EQ(::ppoll(&entry, 1, &none, nullptr), 1);
	EXPECT_EQ(counted("poll"), before + 2);
}

/*
 * The timeout reaches the C library as the caller wrote it: a time_t of the caller's size,
 * passed on to the ppoll of that size. One with nanoseconds out of range must be refused;
 * read through the other size's struct it would be another timeout (here zero).
 */
TEST(SyscallCounter, PpollPassesTheTimeoutThrough)
{
	UniqueFd fd = notADmaBuf();
	ASSERT_TRUE(fd.isValid());
	struct pollfd entry = { fd.get(), POLLIN, 0 };
	struct timespec invalid = {};
	invalid.tv_nsec = 1000000000;
	errno = 0;
	EXPECT_EQ(::ppoll(&entry, 1, &invalid, nullptr), -1);
	EXPECT_EQ(errno, EINVAL);
}

/*
 * syscall() passes its arguments through as machine words: a 64-bit offset on 32-bit ARM
 * is two of them (after a padding word, as the EABI aligns the pair), and both must reach
 * the kernel. pread64 at an offset past 4 GiB shows whether they did.
 */
TEST(SyscallCounter, SyscallPassesSixtyFourBitArgumentsThrough)
{
	UniqueFd fd = notADmaBuf();
	ASSERT_TRUE(fd.isValid());
	constexpr uint64_t kOffset = (uint64_t(1) << 32) + 12288;
	const char text[] = "past 4 GiB";
	ASSERT_EQ(::pwrite(fd.get(), text, sizeof(text), off_t(kOffset)), ssize_t(sizeof(text)))
		<< std::strerror(errno);
	char read[sizeof(text)] = {};
#if defined(__arm__)
	long got = ::syscall(SYS_pread64, fd.get(), read, sizeof(read), 0L, long(uint32_t(kOffset)),
			     long(uint32_t(kOffset >> 32)));
#else
	static_assert(sizeof(long) == 8, "one argument holds the offset on a 64-bit machine");
	long got = ::syscall(SYS_pread64, fd.get(), read, sizeof(read), long(kOffset));
#endif
	EXPECT_EQ(got, long(sizeof(read))) << std::strerror(errno);
	EXPECT_STREQ(read, text);
}

} /* namespace */
