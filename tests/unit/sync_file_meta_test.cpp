/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whether a buffer's writer is done, as the display sink asks before it reads or commits
 * a frame: the sync_file on the buffer has signalled. A sync_file reads as ready (POLLIN)
 * once it signals; an eventfd does the same once written, so it stands in for one here,
 * where no sync_file can be made (the board's sw_sync timeline is in tests/gst).
 */
#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "../../gst-plugin/common/sync_file_meta.h"

using namespace dmabridge;

namespace {

TEST(SyncFileSignalled, ABufferWithoutAFenceIsReady)
{
	GstBuffer *buffer = gst_buffer_new();
	EXPECT_TRUE(gst::syncFileSignalled(buffer));
	EXPECT_TRUE(gst::syncFileSignalled(nullptr));
	gst_buffer_unref(buffer);
}

TEST(SyncFileSignalled, ReadyOnlyOnceItsFenceSignalled)
{
	int fence = ::eventfd(0, EFD_CLOEXEC);
	ASSERT_GE(fence, 0);
	GstBuffer *buffer = gst_buffer_new();
	gst::attachSyncFile(buffer, UniqueFd(fence));
	EXPECT_FALSE(gst::syncFileSignalled(buffer));
	EXPECT_FALSE(gst::syncFileSignalled(buffer, 20));
	uint64_t one = 1;
	ASSERT_EQ(::write(fence, &one, sizeof(one)), ssize_t(sizeof(one)));
	EXPECT_TRUE(gst::syncFileSignalled(buffer));
	EXPECT_TRUE(gst::syncFileSignalled(buffer, 20));
	gst_buffer_unref(buffer);
}

} /* namespace */
