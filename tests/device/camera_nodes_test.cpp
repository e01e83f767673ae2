/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A libcamera camera's video nodes, found through its media device on the virtual board:
 * vimc's "Sensor B", which libcamera names "platform/vimc.0 Sensor B".
 */
#include <algorithm>
#include <gtest/gtest.h>

#include <dmabridge/camera.h>
#include <dmabridge/v4l2.h>

#include "board.h"

using namespace dmabridge;

namespace {

constexpr const char *kVimcCamera = "platform/vimc.0 Sensor B";

TEST(CameraNodes, VimcCameraIsFoundThroughItsMediaDevice)
{
	Result<V4l2Device> capture = V4l2Device::openByName("RGB/YUV Capture");
	DMABRIDGE_REQUIRE_DEVICE(capture.ok(), "vimc");
	Result<CameraNodes> camera = cameraVideoNodes(kVimcCamera);
	ASSERT_TRUE(camera.ok()) << camera.error().describe();
	EXPECT_EQ(camera->id, kVimcCamera);
	EXPECT_NE(std::find(camera->nodes.begin(), camera->nodes.end(), capture->path()),
		  camera->nodes.end())
		<< "the RGB/YUV Capture node " << capture->path() << " is not among them";

	/* No name: the first sensor, as libcamerasrc takes the first camera. */
	Result<CameraNodes> first = cameraVideoNodes("");
	ASSERT_TRUE(first.ok()) << first.error().describe();
	EXPECT_NE(first->id.find("platform/vimc.0 Sensor "), std::string::npos) << first->id;

	Result<DeviceConstraints> constraints = cameraConstraints(kVimcCamera);
	ASSERT_TRUE(constraints.ok()) << constraints.error().describe();
	EXPECT_FALSE(constraints->needsContiguousMemory()) << constraints->contiguous.source;
	EXPECT_NE(constraints->contiguous.source.find("REQBUFS"), std::string::npos)
		<< constraints->contiguous.source;
}

TEST(CameraNodes, UnknownCameraNamesTheSensorsThereAre)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("RGB/YUV Capture").ok(), "vimc");
	Result<CameraNodes> nodes = cameraVideoNodes("/base/no/such/sensor");
	ASSERT_FALSE(nodes.ok());
	EXPECT_EQ(nodes.error().code(), ENODEV);
	EXPECT_NE(nodes.error().message().find(kVimcCamera), std::string::npos)
		<< nodes.error().message();
}

} /* namespace */
