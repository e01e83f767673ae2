/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An application built without -D_FILE_OFFSET_BITS=64 (or _TIME_BITS=64) shares the
 * library's types with a library built with it: on a 32-bit machine ino_t, off_t and
 * time_t change size between the two, and a public type built on them would too (a
 * DmaBuf's inode read from the wrong place). Every public type must have one layout.
 */
#include <gtest/gtest.h>
#include <string>

#include "layout_probe.h"

namespace {

TEST(PublicLayout, SameWithAndWithout64BitFileOffsetsAndTime)
{
	std::span<const LayoutEntry> systemDefault, system64;
	std::span<const LayoutEntry> byDefault = layoutWithDefaultFlags(&systemDefault);
	std::span<const LayoutEntry> with64 = layoutWith64BitFlags(&system64);
	ASSERT_EQ(byDefault.size(), with64.size());
	for (size_t i = 0; i < byDefault.size(); i++) {
		SCOPED_TRACE(byDefault[i].name);
		EXPECT_EQ(byDefault[i].first, with64[i].first);
		EXPECT_EQ(byDefault[i].second, with64[i].second);
	}
}

/* The test proves something only where the flags change the system's types: 32-bit. */
TEST(PublicLayout, TheTwoProbesSeeTheFlags)
{
	std::span<const LayoutEntry> systemDefault, system64;
	layoutWithDefaultFlags(&systemDefault);
	layoutWith64BitFlags(&system64);
	for (size_t i = 0; i < system64.size(); i++) {
		SCOPED_TRACE(system64[i].name);
		EXPECT_EQ(system64[i].first, 8u) << "-D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64";
		if (sizeof(long) == 4) {
			EXPECT_EQ(systemDefault[i].first, 4u) << "a 32-bit machine's default";
		}
	}
	if (sizeof(long) == 8)
		GTEST_SKIP() << "on a 64-bit machine the flags change nothing: the layout test "
				"proves something on 32-bit builds (armhf)";
}

} /* namespace */
