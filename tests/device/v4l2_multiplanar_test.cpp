/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The multi-planar API: vivid-002 speaks it. NV12M puts luma and chroma in two dma-bufs
 * and the device writes both. libv4l2's mplane plugin would hide that (and fails to open
 * vivid-002 in libv4l 1.22), so multi-planar devices are opened directly.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/heap.h>
#include <dmabridge/v4l2.h>

#include "board.h"
#include "capture.h"

using namespace dmabridge;

namespace {

TEST(V4l2MultiPlanar, Nv12mCapturesIntoTwoDmaBufs)
{
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-002");
	DMABRIDGE_REQUIRE_DEVICE(camera.ok(), camera.error().message());
	ASSERT_TRUE(camera->multiPlanar());
	Result<DeviceConstraints> constraints = camera->probe();
	ASSERT_TRUE(constraints.ok());
	ASSERT_TRUE(constraints->acceptsFormat(DRM_FORMAT_NV12));

	Result<Layout> planned = computeLayout(DRM_FORMAT_NV12, 640, 480, {}, true);
	ASSERT_TRUE(planned.ok());
	Result<Layout> layout = camera->setFormat(V4l2Direction::Capture, *planned);
	ASSERT_TRUE(layout.ok()) << layout.error().describe();
	ASSERT_EQ(layout->buffers, 2u);

	Result<DmaHeap> heap = DmaHeap::open(*findHeap(false));
	ASSERT_TRUE(heap.ok());
	std::vector<DmaBuf> planes;
	for (unsigned b = 0; b < 2; b++) {
		Result<DmaBuf> plane = heap->allocate(layout->bufferSize(b), "nv12m-plane");
		ASSERT_TRUE(plane.ok());
		CpuAccess access(*plane, CpuAccessMode::Write);
		std::fill(access.write().begin(), access.write().end(), test::kSentinel);
		planes.push_back(std::move(*plane));
	}
	ASSERT_TRUE(camera->requestBuffers(V4l2Direction::Capture, V4l2Memory::DmaBuf, 1).ok());
	Status queued = camera->queueDmaBuf(V4l2Direction::Capture, 0, planes, *layout);
	ASSERT_TRUE(queued.ok()) << queued.error().describe();
	ASSERT_TRUE(camera->streamOn(V4l2Direction::Capture).ok());
	Result<V4l2Dequeued> frame =
		camera->dequeue(V4l2Direction::Capture, V4l2Memory::DmaBuf, 20000);
	ASSERT_TRUE(frame.ok()) << frame.error().describe();
	EXPECT_TRUE(camera->streamOff(V4l2Direction::Capture).ok());
	EXPECT_EQ(frame->bytesUsed, layout->bufferSize(0));
	for (unsigned b = 0; b < 2; b++)
		EXPECT_LT(test::untouchedBytes(planes[b], layout->bufferSize(b)),
			  layout->bufferSize(b) / 4)
			<< "plane buffer " << b << " was not written";
}

TEST(V4l2MultiPlanar, MultiPlanarDevicesBypassLibv4l2)
{
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-002");
	DMABRIDGE_REQUIRE_DEVICE(camera.ok(), camera.error().message());
	EXPECT_TRUE(camera->multiPlanar());
	EXPECT_EQ(camera->access(), V4l2Access::Direct);
	EXPECT_NE(camera->accessNote().find("mplane plugin"), std::string::npos);

	Result<V4l2Device> single = V4l2Device::openByName("vivid-000");
	ASSERT_TRUE(single.ok());
	EXPECT_EQ(single->access(), V4l2Access::Libv4l2);
	EXPECT_TRUE(single->accessNote().empty());
}

} /* namespace */
