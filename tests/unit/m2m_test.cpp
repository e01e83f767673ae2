/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the m2m core decides without a device: compressed formats, visible layouts. */
#include <gtest/gtest.h>

#include <drm_fourcc.h>
#include <linux/videodev2.h>

#include <dmabridge/coded_format.h>
#include <dmabridge/v4l2_m2m.h>

using namespace dmabridge;

namespace {

TEST(CodedFormats, FoundByEveryName)
{
	for (const CodedFormat &format : codedFormats()) {
		EXPECT_EQ(codedFormatFromV4l2(format.v4l2), &format) << format.name;
		EXPECT_EQ(codedFormatFromName(format.mediaType), &format) << format.name;
		EXPECT_EQ(codedFormatFromName(format.name), &format) << format.name;
	}
	EXPECT_EQ(codedFormatFromV4l2(V4L2_PIX_FMT_FWHT)->mediaType, "video/x-fwht");
	EXPECT_EQ(codedFormatFromV4l2(V4L2_PIX_FMT_NV12), nullptr) << "raw formats are not coded";
	EXPECT_EQ(codedFormatFromName("video/x-raw"), nullptr);
}

/* vicodec's decoder: 640x480 coded, 640x476 visible, from the top-left. */
TEST(VisibleLayout, BottomLinesCutByTheSizeAlone)
{
	Layout coded = *computeLayout(DRM_FORMAT_XRGB8888, 640, 480);
	Result<Layout> visible = visibleLayout(coded, { 0, 0, 640, 476 });
	ASSERT_TRUE(visible.ok()) << visible.error().describe();
	EXPECT_EQ(visible->height, 476u);
	EXPECT_EQ(visible->planes[0].stride, 2560u) << "the coded stride stays";
	EXPECT_EQ(visible->planes[0].offset, 0u);
}

TEST(VisibleLayout, OriginMovesEveryPlane)
{
	Layout coded = *computeLayout(DRM_FORMAT_NV12, 1920, 1088);
	Result<Layout> visible = visibleLayout(coded, { 16, 8, 1888, 1072 });
	ASSERT_TRUE(visible.ok()) << visible.error().describe();
	EXPECT_EQ(visible->planes[0].offset, 8u * 1920 + 16);
	EXPECT_EQ(visible->planes[1].offset, coded.planes[1].offset + 4u * 1920 + 16)
		<< "half the lines down, the same bytes across (two bytes a chroma pair)";
}

TEST(VisibleLayout, RefusesWhatTheFrameDoesNotHold)
{
	Layout coded = *computeLayout(DRM_FORMAT_NV12, 640, 480);
	EXPECT_FALSE(visibleLayout(coded, { 0, 0, 641, 480 }).ok());
	EXPECT_FALSE(visibleLayout(coded, { 1, 0, 638, 480 }).ok())
		<< "an odd origin splits NV12's chroma pairs";
	EXPECT_FALSE(visibleLayout(coded, { 0, 0, 0, 0 }).ok());
}

TEST(FormatTable, DeprecatedBgr32IsXbgr32)
{
	EXPECT_EQ(formatFromV4l2(V4L2_PIX_FMT_BGR32)->drm, uint32_t(DRM_FORMAT_XRGB8888));
}

} /* namespace */
