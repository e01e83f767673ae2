/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gtest/gtest.h>
#include <vector>

#include <drm_fourcc.h>

#include <dmabridge/frame_copy.h>

using namespace dmabridge;

namespace {

std::vector<uint8_t> frame(const Layout &layout, uint8_t fill = 0)
{
	return std::vector<uint8_t>(layout.bufferSize(0), fill);
}

TEST(FrameCopy, SameFormatHonoursBothStrides)
{
	Layout in = *layoutFromStride(DRM_FORMAT_NV12, 6, 4, 8);
	Layout out = *layoutFromStride(DRM_FORMAT_NV12, 6, 4, 16);
	std::vector<uint8_t> src = frame(in), dst = frame(out, 0xee);
	for (size_t i = 0; i < src.size(); i++)
		src[i] = uint8_t(i);
	Result<uint64_t> bytes = copyPixels(src, in, dst, out);
	ASSERT_TRUE(bytes.ok()) << bytes.error().describe();
	EXPECT_EQ(*bytes, 6u * 4 + 6u * 2);
	EXPECT_EQ(dst[16 + 5], src[8 + 5]) << "second luma line";
	EXPECT_EQ(dst[out.planes[1].offset + 16 + 1], src[in.planes[1].offset + 8 + 1]);
	EXPECT_EQ(dst[7], 0xee) << "stride padding past the line is not the picture: untouched";
}

TEST(FrameCopy, Rgb888WidensToXrgb8888)
{
	Layout in = *computeLayout(DRM_FORMAT_RGB888, 2, 1); /* B, G, R in memory */
	Layout out = *computeLayout(DRM_FORMAT_XRGB8888, 2, 1);
	std::vector<uint8_t> src = { 1, 2, 3, 4, 5, 6 }, dst = frame(out);
	ASSERT_TRUE(copyPixels(src, in, dst, out).ok());
	EXPECT_EQ(dst, (std::vector<uint8_t>{ 1, 2, 3, 0xff, 4, 5, 6, 0xff }));

	Layout rgb = *computeLayout(DRM_FORMAT_BGR888, 2, 1); /* R, G, B in memory */
	ASSERT_TRUE(copyPixels(src, rgb, dst, out).ok());
	EXPECT_EQ(dst, (std::vector<uint8_t>{ 3, 2, 1, 0xff, 6, 5, 4, 0xff }));
}

TEST(FrameCopy, LargerRgbIsPaddedSmallerIsCropped)
{
	Layout in = *computeLayout(DRM_FORMAT_XRGB8888, 2, 2);
	Layout big = *computeLayout(DRM_FORMAT_XRGB8888, 3, 3);
	std::vector<uint8_t> src = frame(in, 0x7f), dst = frame(big, 0xee);
	ASSERT_TRUE(copyPixels(src, in, dst, big).ok());
	EXPECT_EQ(dst[0], 0x7f);
	EXPECT_EQ(dst[4 * 2], 0u) << "right of the frame";
	EXPECT_EQ(dst[big.planes[0].stride * 2], 0u) << "below the frame";

	Layout small = *computeLayout(DRM_FORMAT_XRGB8888, 1, 1);
	std::vector<uint8_t> one = frame(small);
	Result<uint64_t> bytes = copyPixels(src, in, one, small);
	ASSERT_TRUE(bytes.ok());
	EXPECT_EQ(*bytes, 4u);
}

TEST(FrameCopy, RefusesWhatItCannotDo)
{
	Layout nv12 = *computeLayout(DRM_FORMAT_NV12, 4, 4);
	Layout bigger = *computeLayout(DRM_FORMAT_NV12, 8, 8);
	Layout xrgb = *computeLayout(DRM_FORMAT_XRGB8888, 4, 4);
	std::vector<uint8_t> a = frame(bigger), b = frame(bigger);
	EXPECT_EQ(copyPixels(a, nv12, b, xrgb).error().code(), EINVAL)
		<< "no YUV to RGB on the CPU";
	EXPECT_EQ(copyPixels(a, nv12, b, bigger).error().code(), EINVAL) << "no YUV padding";
	std::vector<uint8_t> tiny(8);
	Result<uint64_t> short_ = copyPixels(tiny, xrgb, b, xrgb);
	ASSERT_FALSE(short_.ok()) << "a source smaller than its layout";
	EXPECT_NE(short_.error().message().find("past the end"), std::string::npos);
	EXPECT_FALSE(canCopyPixels(DRM_FORMAT_XRGB8888, DRM_FORMAT_RGB888));
	EXPECT_TRUE(canCopyPixels(DRM_FORMAT_BGR888, DRM_FORMAT_XRGB8888));
}

/*
 * A display shows ABGR8888 (what upstream's videotestsrc picks first on GStreamer 1.26)
 * and its writeback reads XRGB8888: the same picture, the bytes in another order.
 */
TEST(FrameCompare, TwoRgbOrdersOfOnePicture)
{
	Layout abgr = *computeLayout(DRM_FORMAT_ABGR8888, 4, 2);
	Layout xrgb = *computeLayout(DRM_FORMAT_XRGB8888, 4, 2);
	std::vector<uint8_t> shown = frame(abgr), read = frame(xrgb);
	for (unsigned i = 0; i < 8; i++) {
		uint8_t red = uint8_t(10 * i), green = uint8_t(20 * i), blue = uint8_t(30 * i);
		uint8_t *a = &shown[4 * i], *x = &read[4 * i];
		a[0] = red, a[1] = green, a[2] = blue, a[3] = 0x80;
		x[0] = blue, x[1] = green, x[2] = red, x[3] = 0xff;
	}
	EXPECT_EQ(differingPixels(shown, abgr, read, xrgb), 0u);
	read[4 * 5 + 1] ^= 1;
	EXPECT_EQ(differingPixels(shown, abgr, read, xrgb), 1u);
	Layout nv12 = *computeLayout(DRM_FORMAT_NV12, 4, 2);
	std::vector<uint8_t> yuv = frame(nv12);
	EXPECT_EQ(differingPixels(yuv, nv12, read, xrgb), UINT64_MAX) << "YUV is not compared";
}

/* What vkms's writeback gives of an RGB565 frame: each colour widened to 8 bits. */
TEST(FrameCopy, Rgb565ComparesWithItsWritebackInXrgb8888)
{
	Layout shown = *computeLayout(DRM_FORMAT_RGB565, 3, 1);
	Layout written = *computeLayout(DRM_FORMAT_XRGB8888, 3, 1);
	/* Red 31, green 63, blue 0; then r=1, g=1, b=1; then black. */
	std::vector<uint8_t> rgb565 = { 0xe0, 0xff, 0x21, 0x08, 0x00, 0x00 };
	std::vector<uint8_t> xrgb = { 0, 255, 255, 0xff, 8, 4, 8, 0xff, 0, 0, 0, 0xff };
	EXPECT_EQ(differingPixels(rgb565, shown, xrgb, written), 0u);
	EXPECT_EQ(differingPixels(xrgb, written, rgb565, shown), 0u);
	xrgb[4] = 11; /* blue 1 widens to 8: 11 is another colour */
	EXPECT_EQ(differingPixels(rgb565, shown, xrgb, written), 1u);
}

} /* namespace */
