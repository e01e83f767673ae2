/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <dmabridge/unique_fd.h>

using dmabridge::SharedFd;
using dmabridge::UniqueFd;

namespace {

bool isOpen(int fd)
{
	return ::fcntl(fd, F_GETFD) != -1;
}

UniqueFd makeFd()
{
	return UniqueFd(::memfd_create("unique-fd-test", MFD_CLOEXEC));
}

TEST(UniqueFd, ClosesOnDestruction)
{
	int raw;
	{
		UniqueFd fd = makeFd();
		ASSERT_TRUE(fd.isValid());
		raw = fd.get();
		EXPECT_TRUE(isOpen(raw));
	}
	EXPECT_FALSE(isOpen(raw));
}

TEST(UniqueFd, MoveTransfersOwnership)
{
	UniqueFd a = makeFd();
	int raw = a.get();
	UniqueFd b(std::move(a));
	EXPECT_FALSE(a.isValid());
	EXPECT_EQ(b.get(), raw);

	UniqueFd c = makeFd();
	int other = c.get();
	c = std::move(b);
	EXPECT_EQ(c.get(), raw);
	EXPECT_FALSE(isOpen(other)) << "the fd c held before the move must be closed";
}

TEST(UniqueFd, ReleaseHandsOwnershipOver)
{
	UniqueFd fd = makeFd();
	int raw = fd.release();
	EXPECT_FALSE(fd.isValid());
	EXPECT_TRUE(isOpen(raw));
	::close(raw);
}

TEST(UniqueFd, DuplicateIsCloseOnExec)
{
	UniqueFd fd = makeFd();
	UniqueFd copy = fd.duplicate();
	ASSERT_TRUE(copy.isValid());
	EXPECT_NE(copy.get(), fd.get());
	EXPECT_TRUE(::fcntl(copy.get(), F_GETFD) & FD_CLOEXEC);
}

TEST(UniqueFd, ResetToSameFdKeepsItOpen)
{
	UniqueFd fd = makeFd();
	int raw = fd.get();
	fd.reset(raw);
	EXPECT_TRUE(isOpen(raw));
}

TEST(SharedFd, TakesOwnershipFromUniqueFd)
{
	UniqueFd unique = makeFd();
	int raw = unique.get();
	{
		SharedFd a(std::move(unique));
		SharedFd b = a;
		EXPECT_EQ(a.get(), raw);
		EXPECT_EQ(b.get(), raw);
		EXPECT_EQ(a.useCount(), 2);
	}
	EXPECT_FALSE(isOpen(raw)) << "the last owner closes the fd";
}

TEST(SharedFd, DuplicateOfLeavesTheOriginalAlone)
{
	UniqueFd owner = makeFd();
	{
		SharedFd shared = SharedFd::duplicateOf(owner.get());
		ASSERT_TRUE(shared.isValid());
		EXPECT_NE(shared.get(), owner.get());
	}
	EXPECT_TRUE(isOpen(owner.get()));
}

TEST(SharedFd, InvalidInputsGiveInvalidOwners)
{
	EXPECT_FALSE(SharedFd(UniqueFd()).isValid());
	EXPECT_FALSE(SharedFd::duplicateOf(-1).isValid());
	EXPECT_FALSE(SharedFd().duplicate().isValid());
}

} /* namespace */
