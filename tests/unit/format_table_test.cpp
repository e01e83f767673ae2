/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gtest/gtest.h>
#include <set>

#include <drm_fourcc.h>
#include <linux/videodev2.h>

#include <dmabridge/format.h>

using namespace dmabridge;

namespace {

TEST(FormatTable, EveryNameRoundTrips)
{
	for (const FormatInfo &format : formats()) {
		EXPECT_EQ(formatFromDrm(format.drm), &format) << format.name;
		EXPECT_EQ(formatFromName(format.name), &format) << format.name;
		if (format.v4l2) {
			bool multi = true;
			EXPECT_EQ(formatFromV4l2(format.v4l2, &multi), &format) << format.name;
			EXPECT_FALSE(multi);
		}
		if (format.v4l2Multi) {
			bool multi = false;
			EXPECT_EQ(formatFromV4l2(format.v4l2Multi, &multi), &format) << format.name;
			EXPECT_TRUE(multi);
			EXPECT_GT(format.planes, 1) << format.name;
		}
		if (!format.gst.empty()) {
			EXPECT_EQ(formatFromGst(format.gst), &format) << format.name;
		}
	}
}

TEST(FormatTable, NoNameTwice)
{
	std::set<uint32_t> drm, v4l2;
	std::set<std::string_view> gst;
	for (const FormatInfo &format : formats()) {
		EXPECT_TRUE(drm.insert(format.drm).second) << format.name;
		EXPECT_TRUE(!format.v4l2 || v4l2.insert(format.v4l2).second) << format.name;
		EXPECT_TRUE(!format.v4l2Multi || v4l2.insert(format.v4l2Multi).second)
			<< format.name;
		EXPECT_TRUE(gst.insert(format.gst).second) << format.name;
	}
}

TEST(FormatTable, RequiredFormatsArePresent)
{
	for (uint32_t fourcc :
	     { DRM_FORMAT_XRGB8888, DRM_FORMAT_ARGB8888, DRM_FORMAT_XBGR8888, DRM_FORMAT_RGB565,
	       DRM_FORMAT_NV12, DRM_FORMAT_NV21, DRM_FORMAT_NV16, DRM_FORMAT_YUYV, DRM_FORMAT_UYVY,
	       DRM_FORMAT_YUV420 })
		EXPECT_NE(formatFromDrm(fourcc), nullptr) << fourccToString(fourcc);
}

TEST(FormatTable, ByteOrderAcrossApis)
{
	/* DRM is little-endian: XRGB8888 is B,G,R,X in memory, V4L2's XBGR32, GStreamer's BGRx. */
	const FormatInfo *xrgb = formatFromDrm(DRM_FORMAT_XRGB8888);
	ASSERT_NE(xrgb, nullptr);
	EXPECT_EQ(xrgb->v4l2, uint32_t(V4L2_PIX_FMT_XBGR32));
	EXPECT_EQ(xrgb->gst, "BGRx");
	EXPECT_EQ(formatFromGst("I420")->drm, uint32_t(DRM_FORMAT_YUV420));
	EXPECT_EQ(formatFromGst("YUY2")->v4l2, uint32_t(V4L2_PIX_FMT_YUYV));
	EXPECT_EQ(formatFromV4l2(V4L2_PIX_FMT_NV12M)->drm, uint32_t(DRM_FORMAT_NV12));
}

TEST(FormatTable, UnknownGivesNull)
{
	EXPECT_EQ(formatFromDrm(0x12345678), nullptr);
	EXPECT_EQ(formatFromV4l2(0), nullptr);
	EXPECT_EQ(formatFromGst(""), nullptr);
	EXPECT_EQ(formatFromName("P010"), nullptr);
	EXPECT_EQ(fourccToString(DRM_FORMAT_NV12), "NV12");
	EXPECT_EQ(fourccToString(0), "????");
}

} /* namespace */
