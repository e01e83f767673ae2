/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <dmabridge/dmabuf.h>
#include <dmabridge/error.h>

using namespace dmabridge;

namespace {

TEST(Error, DescribeNamesTheErrno)
{
	Error error = Error::fromErrno(EFAULT, "VIDIOC_QBUF on vivid-001");
	EXPECT_EQ(error.code(), EFAULT);
	EXPECT_EQ(error.message(), "VIDIOC_QBUF on vivid-001: Bad address");
	EXPECT_EQ(error.describe(), "VIDIOC_QBUF on vivid-001: Bad address (EFAULT)");
}

TEST(Result, HoldsValueOrError)
{
	Result<int> good(42);
	ASSERT_TRUE(good.ok());
	EXPECT_EQ(*good, 42);

	Result<int> bad(Error(ENOENT, "no such heap"));
	ASSERT_FALSE(bad.ok());
	EXPECT_EQ(bad.error().code(), ENOENT);

	Status fine;
	EXPECT_TRUE(fine.ok());
	Status failed(Error(EINVAL, "stride below the minimum"));
	EXPECT_FALSE(failed.ok());
}

/*
 * The library never throws: reading the value of a failed Result is a programming error
 * that ends the process, naming the error, rather than an exception through the API.
 */
TEST(Result, AccessorsDoNotThrow)
{
	Result<int> bad(Error(ENOENT, "no such heap"));
	EXPECT_TRUE(noexcept(bad.value()));
	EXPECT_TRUE(noexcept(*bad));
	EXPECT_TRUE(noexcept(bad.operator->()));
	EXPECT_TRUE(noexcept(bad.error()));
	Result<int> good(1);
	EXPECT_TRUE(noexcept(good.error()));
	EXPECT_EQ(good.error().code(), 0) << "a good result's error is no error";
}

TEST(ResultDeathTest, ValueOfAnErrorEndsTheProcessNamingTheError)
{
	Result<int> bad(Error(ENOENT, "no such heap"));
	EXPECT_DEATH((void)bad.value(), "value of a failed Result: no such heap");
}

TEST(DmaBuf, RejectsAnFdThatIsNotADmaBuf)
{
	UniqueFd memfd(::memfd_create("not-a-dmabuf", MFD_CLOEXEC));
	ASSERT_TRUE(memfd.isValid());
	Result<DmaBuf> buffer = DmaBuf::fromFd(std::move(memfd));
	ASSERT_FALSE(buffer.ok());
	EXPECT_EQ(buffer.error().code(), EINVAL);
	EXPECT_NE(buffer.error().message().find("is not a dma-buf"), std::string::npos)
		<< buffer.error().message();
}

TEST(DmaBuf, RejectsAClosedFd)
{
	int raw = ::memfd_create("closed", MFD_CLOEXEC);
	ASSERT_GE(raw, 0);
	::close(raw);
	/* The number is closed: wrapping it must fail on use, not crash. */
	Result<DmaBuf> buffer = DmaBuf::fromFd(SharedFd(UniqueFd(raw)));
	ASSERT_FALSE(buffer.ok());
	EXPECT_EQ(buffer.error().code(), EBADF) << buffer.error().describe();
}

TEST(DmaBuf, RejectsAnInvalidFd)
{
	Result<DmaBuf> buffer = DmaBuf::fromFd(UniqueFd());
	ASSERT_FALSE(buffer.ok());
	EXPECT_EQ(buffer.error().code(), EBADF);
}

TEST(CpuAccess, RefusesAnInvalidBuffer)
{
	DmaBuf none;
	uint64_t before = counters().syncCalls;
	CpuAccess access(none, CpuAccessMode::Read);
	EXPECT_FALSE(access.isValid());
	EXPECT_EQ(access.error().code(), EBADF);
	EXPECT_EQ(counters().syncCalls, before) << "no sync without a mapping";
}

} /* namespace */
