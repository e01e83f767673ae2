/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library's frame path, camera to display, costs what the hardware needs and nothing
 * more: once every buffer has its framebuffer and the mode is set, a frame is one
 * VIDIOC_DQBUF, one atomic commit and one VIDIOC_QBUF, with no heap allocation (counted by
 * replacing operator new and the malloc family in this program, every library included)
 * and no other ioctl (no property, format or resource query). And the frames are really
 * shown: every one committed (and flipped), and the display's writeback equals the last.
 */
#include <gtest/gtest.h>
#include <string>

#include <dmabridge/drm.h>
#include <dmabridge/v4l2.h>

#include "../../tools/bench/allocation_counter.h"
#include "../../tools/bench/frame_counters.h"
#include "../../tools/bench/library_loop.h"
#include "board.h"
#include "capture.h"

using namespace dmabridge;
using namespace dmabridge::bench;

namespace {

constexpr unsigned kBuffers = 4;
/* Enough for every buffer to have been shown once, and the first (modeset) commit past. */
constexpr unsigned kWarmup = kBuffers + 2;
constexpr unsigned kFrames = 30;

/* kFrames frames with nothing else in between: the first failure, if any. */
Status runFrames(CameraToDisplay &loop)
{
	for (unsigned i = 0; i < kFrames; i++)
		if (Status status = loop.frame(); !status)
			return status;
	return {};
}

/* The display's writeback against the frame on the screen, pixel for pixel. */
::testing::AssertionResult writebackShows(CameraToDisplay &loop)
{
	Layout readLayout;
	Result<DmaBuf> read = loop.readScreen(&readLayout);
	if (!read)
		return ::testing::AssertionFailure() << read.error().describe();
	return test::samePicture(loop.shown(), loop.layout(), *read, readLayout);
}

class FramePath : public ::testing::TestWithParam<ShowMode>
{
};

TEST_P(FramePath, OnlyDequeueCommitAndQueueNoAllocation)
{
	DMABRIDGE_REQUIRE_DEVICE(DrmDevice::openByDriver("vkms").ok(), "vkms");
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	LoopOptions options;
	options.bufferCount = kBuffers;
	options.show = GetParam();
	Result<std::unique_ptr<CameraToDisplay>> opened = CameraToDisplay::open(options);
	ASSERT_TRUE(opened.ok()) << opened.error().describe();
	CameraToDisplay &loop = **opened;
	ASSERT_FALSE(loop.plan().copy) << loop.plan().explain();
	uint64_t setUp = allocationCount();
	for (unsigned i = 0; i < kWarmup; i++) {
		Status warm = loop.frame();
		ASSERT_TRUE(warm.ok()) << warm.error().describe();
	}
	/* The counter sees the library's allocations: importing and placing the first frames
	 * allocate (libdrm's atomic request and property lists among them). */
	ASSERT_GT(allocationCount(), setUp);

	uint64_t commits = loop.display().commits(), flips = loop.display().flips();
	FrameCounters before = countersAtStart();
	Status status = runFrames(loop);
	FrameCounters after = countersAtEnd();
	ASSERT_TRUE(status.ok()) << status.error().describe();

	EXPECT_EQ(after.allocations - before.allocations, 0u)
		<< "heap allocations in " << kFrames << " frames";
	auto calls = [&](const char *kind) { return after.since(before, kind); };
	EXPECT_EQ(calls("VIDIOC_DQBUF"), kFrames);
	EXPECT_EQ(calls("VIDIOC_QBUF"), kFrames);
	EXPECT_EQ(calls("DRM_IOCTL_MODE_ATOMIC"), kFrames);
	EXPECT_EQ(calls("ioctl (other)"), 0u) << "queries on the frame path";
	EXPECT_EQ(calls("DRM_IOCTL_MODE_ADDFB2"), 0u) << "framebuffers made anew";
	EXPECT_EQ(calls("DMA_BUF_IOCTL_SYNC"), 0u) << "the CPU touched the pixels";
	EXPECT_EQ(loop.framebuffers().imports(), kBuffers) << "one framebuffer per buffer";

	/* Shown, not just committed: each commit counted, each flip seen, the pixels read. */
	EXPECT_EQ(loop.display().commits() - commits, kFrames);
	if (GetParam() == ShowMode::Flip) {
		EXPECT_EQ(loop.display().flips() - flips, kFrames);
	}
	EXPECT_TRUE(writebackShows(loop));
}

std::string showName(const ::testing::TestParamInfo<ShowMode> &show)
{
	return show.param == ShowMode::Flip ? "Flip" : "Blocking";
}

INSTANTIATE_TEST_SUITE_P(Shows, FramePath, ::testing::Values(ShowMode::Flip, ShowMode::Blocking),
			 showName);

} /* namespace */
