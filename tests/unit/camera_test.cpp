/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A libcamera camera's constraints from its video nodes. The nodes here are in the shapes
 * V4l2Device::probe() gives (REQBUFS capabilities, sysfs, the quirk table); the device
 * test finds vimc's through its media device on the virtual board.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/camera.h>
#include <dmabridge/quirks.h>

#include "device/contiguity.h"

using namespace dmabridge;

namespace {

/* A capture node as the V4L2 probe describes it. */
DeviceConstraints node(const std::string &name, const std::string &path, const std::string &driver,
		       uint32_t reqbufsCapabilities, uint32_t fourcc)
{
	DeviceConstraints device;
	device.name = name;
	device.node = path;
	device.role = "V4L2 capture";
	device.driver = driver;
	if (fourcc) /* 0: none the format table knows (unicam's embedded data) */
		device.formats = { { fourcc, {} } };
	device.canExport = true;
	device.contiguous = internal::v4l2Contiguity(reqbufsCapabilities);
	device.exportsContiguous = device.contiguous;
	device.iommu = { false,
			 "sysfs: no iommu_group for /sys/devices/platform/soc/fe801000.csi" };
	applyQuirks(device);
	return device;
}

/* A Raspberry Pi 4 camera: unicam's image and embedded-data nodes, vb2-dma-contig. */
TEST(CameraConstraints, UnicamCameraNeedsContiguousMemory)
{
	DeviceConstraints camera = mergeCameraConstraints(
		"/base/soc/i2c0mux/i2c@1/imx219@10",
		{ node("unicam", "/dev/video0", "unicam", 0x1d, DRM_FORMAT_YUYV),
		  node("unicam", "/dev/video1", "unicam", 0x1d, 0) });
	EXPECT_TRUE(camera.needsContiguousMemory()) << camera.contiguous.source;
	EXPECT_NE(camera.contiguous.source.find("/dev/video0"), std::string::npos)
		<< camera.contiguous.source;
	EXPECT_EQ(camera.addressLimit.value, 1ull << 30) << "unicam reaches the low 1 GiB";
	EXPECT_TRUE(camera.acceptsFormat(DRM_FORMAT_YUYV));
}

/* vimc's nodes take user pointers: scattered pages are fine, and the source says why. */
TEST(CameraConstraints, VimcCameraTakesScatteredPages)
{
	DeviceConstraints camera = mergeCameraConstraints(
		"platform/vimc.0 Sensor B",
		{ node("vimc", "/dev/video3", "vimc", 0x1f, DRM_FORMAT_BGR888),
		  node("vimc", "/dev/video4", "vimc", 0x1f, DRM_FORMAT_RGB888) });
	EXPECT_FALSE(camera.needsContiguousMemory());
	EXPECT_NE(camera.contiguous.source.find("REQBUFS"), std::string::npos)
		<< camera.contiguous.source;
	EXPECT_TRUE(camera.canImport);
}

/* One node that needs contiguous memory is enough: any node may write a frame. */
TEST(CameraConstraints, OneContiguousNodeDecides)
{
	DeviceConstraints camera = mergeCameraConstraints(
		"mixed", { node("vimc", "/dev/video3", "vimc", 0x1f, DRM_FORMAT_BGR888),
			   node("vivid", "/dev/video8", "vivid", 0x1d, DRM_FORMAT_BGR888) });
	EXPECT_TRUE(camera.needsContiguousMemory());
	EXPECT_NE(camera.contiguous.source.find("/dev/video8"), std::string::npos);
}

} /* namespace */
