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
	Result<std::vector<std::string>> nodes = cameraVideoNodes(kVimcCamera);
	ASSERT_TRUE(nodes.ok()) << nodes.error().describe();
	EXPECT_NE(std::find(nodes->begin(), nodes->end(), capture->path()), nodes->end())
		<< "the RGB/YUV Capture node " << capture->path() << " is not among them";

	Result<DeviceConstraints> camera = cameraConstraints(kVimcCamera);
	ASSERT_TRUE(camera.ok()) << camera.error().describe();
	EXPECT_FALSE(camera->needsContiguousMemory()) << camera->contiguous.source;
	EXPECT_NE(camera->contiguous.source.find("REQBUFS"), std::string::npos)
		<< camera->contiguous.source;
}

TEST(CameraNodes, UnknownCameraNamesTheSensorsThereAre)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("RGB/YUV Capture").ok(), "vimc");
	Result<std::vector<std::string>> nodes = cameraVideoNodes("/base/no/such/sensor");
	ASSERT_FALSE(nodes.ok());
	EXPECT_EQ(nodes.error().code(), ENODEV);
	EXPECT_NE(nodes.error().message().find(kVimcCamera), std::string::npos)
		<< nodes.error().message();
}

} /* namespace */
