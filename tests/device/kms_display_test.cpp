/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DRM import and display on vkms: a buffer imported twice costs one framebuffer, nothing
 * leaks, and a frame vivid captured into planned buffers is displayed through an atomic
 * commit, then read back through the writeback connector pixel for pixel; a frame of no
 * mode's size is cropped to the largest mode inside it; of two threads waiting for one page
 * flip, the second is refused rather than left waiting.
 */
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <gtest/gtest.h>
#include <set>
#include <thread>

#include <drm_fourcc.h>

#include <dmabridge/drm.h>
#include <dmabridge/kms.h>
#include <dmabridge/plan.h>
#include <dmabridge/v4l2.h>

#include "board.h"
#include "capture.h"
#include "sw_sync.h"

using namespace dmabridge;
using namespace std::chrono_literals;

namespace {

constexpr uint32_t kWidth = 1280;
constexpr uint32_t kHeight = 720;

/* Distinct XRGB values on the first line: a test pattern has several, a blank frame one. */
size_t distinctColours(const DmaBuf &buffer, const Layout &layout)
{
	CpuAccess access(buffer, CpuAccessMode::Read);
	std::set<uint32_t> colours;
	const uint8_t *line = access.read().data() + layout.planes[0].offset;
	for (uint32_t x = 0; x < layout.width; x++)
		colours.insert(line[4 * x] | line[4 * x + 1] << 8 | line[4 * x + 2] << 16);
	return colours.size();
}

TEST(KmsImport, SameBufferTwiceIsOneFramebuffer)
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), vkms.error().message());
	Result<HeapInfo> heapInfo = findHeap(false);
	ASSERT_TRUE(heapInfo.ok()) << heapInfo.error().describe();

	size_t fdsBefore = test::openFdCount();
	{
		Layout layout = *computeLayout(DRM_FORMAT_XRGB8888, 640, 480);
		Result<DmaBuf> buffer = DmaHeap::open(*heapInfo)->allocate(layout.bufferSize(0));
		ASSERT_TRUE(buffer.ok());
		/* A second fd of the same buffer: another number, the same inode. */
		Result<DmaBuf> again = DmaBuf::fromFd(buffer->fd().duplicate());
		ASSERT_TRUE(again.ok());
		ASSERT_NE(again->fd().get(), buffer->fd().get());
		EXPECT_EQ(*again, *buffer);

		FramebufferCache cache(*vkms);
		Result<uint32_t> first = cache.framebuffer({ &*buffer, 1 }, layout);
		ASSERT_TRUE(first.ok()) << first.error().describe();
		Result<uint32_t> second = cache.framebuffer({ &*again, 1 }, layout);
		ASSERT_TRUE(second.ok());
		EXPECT_EQ(*first, *second);
		EXPECT_EQ(cache.imports(), 1u);
		EXPECT_EQ(cache.size(), 1u);

		cache.release(buffer->identity());
		EXPECT_EQ(cache.size(), 0u);
		Result<uint32_t> third = cache.framebuffer({ &*again, 1 }, layout);
		ASSERT_TRUE(third.ok());
		EXPECT_EQ(cache.imports(), 2u) << "a released buffer is imported anew";
	}
	EXPECT_EQ(test::openFdCount(), fdsBefore) << "fds leaked by import and teardown";
}

TEST(KmsImport, BufferSmallerThanLayoutIsRefused)
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), vkms.error().message());
	Layout layout = *computeLayout(DRM_FORMAT_XRGB8888, 640, 480);
	/* The heap rounds the length up to a page: 16 KiB on a 16 KiB-page kernel. */
	Result<DmaBuf> small = DmaHeap::open(*findHeap(false))->allocate(4096);
	ASSERT_TRUE(small.ok());
	ASSERT_LT(small->size(), layout.bufferSize(0));
	FramebufferCache cache(*vkms);
	Result<uint32_t> framebuffer = cache.framebuffer({ &*small, 1 }, layout);
	ASSERT_FALSE(framebuffer.ok());
	std::string past = "past the end of its " + std::to_string(small->size()) + "-byte buffer";
	EXPECT_NE(framebuffer.error().message().find(past), std::string::npos)
		<< framebuffer.error().message();
}

/*
 * A frame of no mode's size: vkms's plane neither scales nor positions, so the display
 * takes the largest mode inside the frame and shows its top-left corner, as upstream
 * kmssink does.
 */
TEST(KmsDisplayModes, LargerFrameIsCroppedToTheLargestModeInside)
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), vkms.error().message());
	Result<KmsDisplay> output = KmsDisplay::open(*vkms);
	ASSERT_TRUE(output.ok()) << output.error().describe();
	ASSERT_TRUE(output->hasWriteback());

	constexpr uint32_t width = 1930, height = 1090;
	std::pair<uint32_t, uint32_t> expected{ 0, 0 };
	for (const auto &size : output->modeSizes()) {
		ASSERT_NE(size, std::pair(width, height)) << "the frame must have no mode";
		if (size.first <= width && size.second <= height &&
		    uint64_t(size.first) * size.second > uint64_t(expected.first) * expected.second)
			expected = size;
	}
	ASSERT_GT(expected.first, 0u) << "vkms has a mode smaller than the frame";
	EXPECT_EQ(output->shownSize(width, height), expected);

	Layout layout;
	Result<DmaBuf> frame =
		vkms->allocateDumb(*computeLayout(DRM_FORMAT_XRGB8888, width, height), &layout);
	ASSERT_TRUE(frame.ok()) << frame.error().describe();
	{
		CpuAccess access(*frame, CpuAccessMode::Write);
		ASSERT_TRUE(access.isValid()) << access.error().describe();
		for (uint32_t y = 0; y < height; y++) {
			auto *line = reinterpret_cast<uint32_t *>(access.write().data() +
								  y * layout.planes[0].stride);
			for (uint32_t x = 0; x < width; x++)
				line[x] = (x * 7 + y * 13) & 0xffffff;
		}
	}
	FramebufferCache cache(*vkms);
	Result<uint32_t> framebuffer = cache.framebuffer({ &*frame, 1 }, layout);
	ASSERT_TRUE(framebuffer.ok()) << framebuffer.error().describe();
	Status shown = output->show(*framebuffer, layout);
	ASSERT_TRUE(shown.ok()) << shown.error().describe();
	EXPECT_EQ(std::pair(output->width(), output->height()), expected);

	Layout readLayout;
	Result<DmaBuf> readBack = vkms->allocateDumb(
		*computeLayout(DRM_FORMAT_XRGB8888, expected.first, expected.second), &readLayout);
	ASSERT_TRUE(readBack.ok()) << readBack.error().describe();
	Status read = output->readBack(cache, *readBack, readLayout);
	ASSERT_TRUE(read.ok()) << read.error().describe();
	Layout corner = layout;
	corner.width = expected.first;
	corner.height = expected.second;
	EXPECT_TRUE(test::samePicture(*frame, corner, *readBack, readLayout))
		<< "the display did not show the frame's top-left " << readLayout.describe();
	EXPECT_TRUE(output->disable().ok());
}

/*
 * A commit held back by a fence the test signals: one thread waits for its page flip; a
 * second waiter is refused at once, naming the display, rather than left waiting for an
 * event the first reads; the first sees the flip once the fence signals.
 */
TEST(KmsFlips, ASecondWaiterIsRefusedNotLeftWaiting)
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), vkms.error().message());
	Result<KmsDisplay> output = KmsDisplay::open(*vkms);
	ASSERT_TRUE(output.ok()) << output.error().describe();
	Result<test::SwSyncTimeline> timeline = test::SwSyncTimeline::open();
	ASSERT_TRUE(timeline.ok()) << timeline.error().describe();
	auto [width, height] = output->modeSizes().front();
	Layout layout;
	Result<DmaBuf> frame =
		vkms->allocateDumb(*computeLayout(DRM_FORMAT_XRGB8888, width, height), &layout);
	ASSERT_TRUE(frame.ok()) << frame.error().describe();
	FramebufferCache cache(*vkms);
	Result<uint32_t> framebuffer = cache.framebuffer({ &*frame, 1 }, layout);
	ASSERT_TRUE(framebuffer.ok()) << framebuffer.error().describe();
	ASSERT_TRUE(output->show(*framebuffer, layout).ok());
	Result<UniqueFd> fence = timeline->fence(1);
	ASSERT_TRUE(fence.ok()) << fence.error().describe();
	Status committed = output->showWhenReady(*framebuffer, layout, fence->get());
	ASSERT_TRUE(committed.ok()) << committed.error().describe();
	ASSERT_TRUE(output->flipPending());

	std::atomic<bool> calling = false;
	Status first;
	std::thread waiter([&] {
		calling = true;
		first = output->waitForFlip(30000);
	});
	while (!calling)
		std::this_thread::sleep_for(1ms);
	std::this_thread::sleep_for(200ms); /* a pause that lets it reach its poll */
	Status second = output->waitForFlip(30000);
	ASSERT_TRUE(timeline->advance(1).ok());
	waiter.join();
	ASSERT_FALSE(second.ok()) << "a second thread was let wait for the same page flip";
	EXPECT_EQ(second.error().code(), EBUSY);
	EXPECT_NE(second.error().message().find(output->label()), std::string::npos)
		<< second.error().message();
	EXPECT_TRUE(first.ok()) << first.error().describe();
	EXPECT_FALSE(output->flipPending());
	EXPECT_EQ(output->flips(), 1u);
	EXPECT_TRUE(output->disable().ok());
}

class CaptureToDisplay : public ::testing::TestWithParam<const char *>
{
};

TEST_P(CaptureToDisplay, WritebackSeesTheCapturedPixels)
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), vkms.error().message());
	Result<V4l2Device> camera = V4l2Device::openByName(GetParam());
	DMABRIDGE_REQUIRE_DEVICE(camera.ok(), camera.error().message());

	Result<DeviceConstraints> display = vkms->probe();
	ASSERT_TRUE(display.ok()) << display.error().describe();
	EXPECT_TRUE(display->acceptsFormat(DRM_FORMAT_XRGB8888));
	Result<DeviceConstraints> producer = camera->probe();
	ASSERT_TRUE(producer.ok());

	Result<Plan> plan = Planner().plan(
		{ *producer, { *display }, DRM_FORMAT_XRGB8888, kWidth, kHeight, 3, listHeaps() });
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_FALSE(plan->copy) << plan->explain();
	EXPECT_EQ(plan->heap.contiguous, producer->needsContiguousMemory()) << plan->explain();

	Result<Layout> layout = camera->setFormat(V4l2Direction::Capture, plan->layout);
	ASSERT_TRUE(layout.ok()) << layout.error().describe();
	std::vector<DmaBuf> buffers = test::allocateFromHeap(*plan);
	ASSERT_EQ(buffers.size(), 3u);
	Result<unsigned> index = test::captureOne(*camera, buffers, *layout);
	ASSERT_TRUE(index.ok()) << index.error().describe();
	const DmaBuf &captured = buffers[*index];
	ASSERT_GT(distinctColours(captured, *layout), 4u) << "vivid's pattern has colour bars";

	Result<KmsDisplay> output = KmsDisplay::open(*vkms);
	ASSERT_TRUE(output.ok()) << output.error().describe();
	ASSERT_TRUE(output->hasWriteback());
	FramebufferCache cache(*vkms);
	Result<uint32_t> framebuffer = cache.framebuffer({ &captured, 1 }, *layout);
	ASSERT_TRUE(framebuffer.ok()) << framebuffer.error().describe();
	Status shown = output->show(*framebuffer, *layout);
	ASSERT_TRUE(shown.ok()) << shown.error().describe();
	EXPECT_EQ(output->width(), kWidth);

	Layout readLayout;
	Result<DmaBuf> readBack = vkms->allocateDumb(
		*computeLayout(DRM_FORMAT_XRGB8888, kWidth, kHeight), &readLayout);
	ASSERT_TRUE(readBack.ok()) << readBack.error().describe();
	Status read = output->readBack(cache, *readBack, readLayout);
	ASSERT_TRUE(read.ok()) << read.error().describe();
	EXPECT_TRUE(test::samePicture(captured, *layout, *readBack, readLayout))
		<< "the display showed other pixels than the camera captured";
	EXPECT_TRUE(output->disable().ok());
}

INSTANTIATE_TEST_SUITE_P(Vivid, CaptureToDisplay, ::testing::Values("vivid-000", "vivid-001"),
			 [](const auto &param) { return test::testName(param.param); });

} /* namespace */
