/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/layout.h>

using namespace dmabridge;

namespace {

bool mentions(const Error &error, const std::string &text)
{
	return error.message().find(text) != std::string::npos;
}

TEST(Layout, PackedRgb)
{
	Result<Layout> layout = computeLayout(DRM_FORMAT_XRGB8888, 1280, 720);
	ASSERT_TRUE(layout.ok()) << layout.error().describe();
	EXPECT_EQ(layout->planeCount, 1u);
	EXPECT_EQ(layout->planes[0].stride, 5120u);
	EXPECT_EQ(layout->bufferSize(0), 3686400u);
	EXPECT_TRUE(layout->validate(std::array<uint64_t, 1>{ 3686400 }).ok());
}

TEST(Layout, Nv12WithPaddedStride)
{
	/* 1366 is not a multiple of 64: the stride pads to 1408. */
	Alignment alignment;
	alignment.stride = 64;
	alignment.offset = 4096;
	Result<Layout> layout = computeLayout(DRM_FORMAT_NV12, 1366, 768, alignment);
	ASSERT_TRUE(layout.ok()) << layout.error().describe();
	EXPECT_EQ(layout->planes[0].stride, 1408u);
	EXPECT_EQ(layout->planes[1].stride, 1408u);
	EXPECT_EQ(layout->planes[1].offset, 1408u * 768);
	EXPECT_EQ(layout->planes[1].offset % 4096, 0u);
	EXPECT_EQ(layout->bufferSize(0), 1408u * 768 * 3 / 2);
}

TEST(Layout, Yuv420ChromaStridesStayAligned)
{
	Alignment alignment;
	alignment.stride = 64;
	Result<Layout> layout = computeLayout(DRM_FORMAT_YUV420, 650, 480, alignment);
	ASSERT_TRUE(layout.ok());
	EXPECT_EQ(layout->planes[0].stride, 768u);
	EXPECT_EQ(layout->planes[1].stride, 384u);
	EXPECT_EQ(layout->planes[2].stride % 64, 0u);
	EXPECT_EQ(layout->planes[2].offset, 768u * 480 + 384u * 240);
}

TEST(Layout, OddSizesRoundChromaUp)
{
	Result<Layout> layout = computeLayout(DRM_FORMAT_NV12, 1, 1);
	ASSERT_TRUE(layout.ok());
	EXPECT_EQ(layout->planes[0].stride, 1u);
	EXPECT_EQ(layout->planes[1].stride, 2u) << "one CbCr pair for the single pixel";
	EXPECT_EQ(layout->planes[1].size, 2u);
}

TEST(Layout, BufferPerPlane)
{
	Result<Layout> layout = computeLayout(DRM_FORMAT_NV12, 640, 480, {}, true);
	ASSERT_TRUE(layout.ok());
	EXPECT_EQ(layout->buffers, 2u);
	EXPECT_EQ(layout->planes[1].buffer, 1u);
	EXPECT_EQ(layout->planes[1].offset, 0u);
	EXPECT_EQ(layout->bufferSize(0), 640u * 480);
	EXPECT_EQ(layout->bufferSize(1), 640u * 240);
}

TEST(Layout, AlignmentsMerge)
{
	Alignment a{ 64, 1, 4096, 1 };
	Alignment b{ 48, 16, 1, 2 };
	Alignment both = a.merged(b);
	EXPECT_EQ(both.stride, 192u);
	EXPECT_EQ(both.offset, 16u);
	EXPECT_EQ(both.size, 4096u);
	EXPECT_EQ(both.height, 2u);
}

TEST(Layout, RejectsBadSizes)
{
	EXPECT_EQ(computeLayout(DRM_FORMAT_XRGB8888, 0, 480).error().code(), EINVAL);
	EXPECT_EQ(computeLayout(DRM_FORMAT_XRGB8888, 70000, 480).error().code(), EINVAL);
	EXPECT_EQ(computeLayout(0x20202020, 640, 480).error().code(), EINVAL);
	/* Past 4 GiB a 32-bit size computation would wrap: refused, not truncated. */
	Alignment huge;
	huge.stride = 1u << 20;
	Result<Layout> layout = computeLayout(DRM_FORMAT_XRGB8888, 16384, 16384, huge);
	ASSERT_FALSE(layout.ok());
	EXPECT_EQ(layout.error().code(), EOVERFLOW);
}

TEST(Layout, ValidateSaysWhatIsWrong)
{
	Layout layout = *computeLayout(DRM_FORMAT_NV12, 640, 480);

	Layout shortStride = layout;
	shortStride.planes[0].stride = 600;
	Status status = shortStride.validate();
	ASSERT_FALSE(status.ok());
	EXPECT_TRUE(
		mentions(status.error(), "NV12 plane 0: stride 600 is below the line length 640"))
		<< status.error().message();

	status = layout.validate(std::array<uint64_t, 1>{ 640 * 480 });
	ASSERT_FALSE(status.ok());
	EXPECT_TRUE(mentions(status.error(), "past the end of its 307200-byte buffer"))
		<< status.error().message();

	Layout onePlane = layout;
	onePlane.planeCount = 1;
	EXPECT_TRUE(mentions(onePlane.validate().error(), "NV12 has 2 planes, the layout 1"));

	/* Tiles have rules of their own, which the importing driver checks: not the lines. */
	Layout tiled = layout;
	tiled.modifier = 0x0100000000000001ULL;
	tiled.planes[0].stride = 16;
	EXPECT_TRUE(tiled.validate().ok());
	tiled.modifier = kModifierInvalid;
	EXPECT_TRUE(mentions(tiled.validate().error(), "describes no layout"));

	Layout otherBuffer = layout;
	otherBuffer.planes[1].buffer = 1;
	EXPECT_TRUE(mentions(otherBuffer.validate().error(), "is in buffer 1 of 1"));
}

/* A region is a layout of its own that validates: where a frame placed on a screen is. */
TEST(Region, WholeLinesFromItsCorner)
{
	Result<Layout> screen = computeLayout(DRM_FORMAT_XRGB8888, 1024, 768);
	ASSERT_TRUE(screen.ok());
	Result<Layout> centre = regionOf(*screen, { 352, 264, 320, 240 });
	ASSERT_TRUE(centre.ok()) << centre.error().describe();
	EXPECT_EQ(centre->width, 320u);
	EXPECT_EQ(centre->height, 240u);
	EXPECT_EQ(centre->planes[0].offset, 264u * 4096 + 352 * 4);
	EXPECT_EQ(centre->planes[0].stride, 4096u);
	EXPECT_TRUE(centre->validate().ok()) << centre->validate().error().describe();

	EXPECT_TRUE(regionOf(*screen, { 0, 528, 1024, 240 }).ok()) << "the bottom lines, whole";
	EXPECT_TRUE(mentions(regionOf(*screen, { 8, 528, 320, 240 }).error(),
			     "reaches past the frame's last line"));
	EXPECT_TRUE(mentions(regionOf(*screen, { 800, 0, 320, 240 }).error(), "is not inside"));
	Result<Layout> nv12 = computeLayout(DRM_FORMAT_NV12, 64, 64);
	ASSERT_TRUE(nv12.ok());
	EXPECT_TRUE(mentions(regionOf(*nv12, { 0, 0, 16, 16 }).error(), "formats of one plane"));
}

} /* namespace */
