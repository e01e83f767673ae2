/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plugin's caps rules, on the host: the sizes a display offers (its modes, then any
 * larger frame it crops) and the caps the bridge picks to produce from its input.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include "../../gst-plugin/common/caps.h"
#include "caps_holder.h"

using namespace dmabridge;
using test::Caps;

namespace {

std::pair<int, int> sizeOf(GstCaps *caps)
{
	int width = 0, height = 0;
	const GstStructure *s = gst_caps_get_structure(caps, 0);
	gst_structure_get_int(s, "width", &width);
	gst_structure_get_int(s, "height", &height);
	return { width, height };
}

const std::vector<FormatModifiers> kXrgb = { { DRM_FORMAT_XRGB8888, {} } };

/* XRGB8888 dma-bufs of one size, in the form of the GStreamer that runs the test. */
GstCaps *dmabufCaps(int width, int height)
{
	GstCaps *caps = gst_caps_new_empty();
	GstStructure *shape = gst_structure_new("video/x-raw", "width", G_TYPE_INT, width, "height",
						G_TYPE_INT, height, nullptr);
	gst::appendRaw(caps, kXrgb, shape, true, false);
	gst_structure_free(shape);
	return caps;
}

TEST(DisplayCaps, ModeSizesFirstThenRangesOfLargerFrames)
{
	Caps caps(gst::capsFor(kXrgb, { { 1024, 768, 1024, 768 }, { 640, 480, 8192, 8192 } }));
	/* Each size structure twice: dma-buf memory, then system memory. */
	ASSERT_EQ(gst_caps_get_size(caps.caps), 4u) << caps.text();
	EXPECT_EQ(sizeOf(caps.caps), std::pair(1024, 768));
	Caps fullHd(dmabufCaps(1920, 1080));
	EXPECT_TRUE(gst_caps_can_intersect(caps.caps, fullHd.caps)) << caps.text();
	Caps small(dmabufCaps(320, 240));
	EXPECT_FALSE(gst_caps_can_intersect(caps.caps, small.caps)) << caps.text();
}

TEST(BridgeCaps, SameSizeAndFormatPassThrough)
{
	Caps in("video/x-raw,format=BGRx,width=1278,height=1080");
	GstCaps *chosen = gst::cheapestCaps(
		in.caps, gst_caps_from_string("video/x-raw,format=BGRx,width=1600,height=1200; "
					      "video/x-raw,format=BGRx,width=[640,8192],"
					      "height=[480,8192]"));
	Caps out(chosen);
	EXPECT_EQ(sizeOf(out.caps), std::pair(1278, 1080)) << out.text();
}

/* Converting anyway: a mode that shows the whole frame beats a range the display crops. */
TEST(BridgeCaps, ConvertingPadsToAModeRatherThanLetTheDisplayCrop)
{
	Caps in("video/x-raw,format=RGB,width=1278,height=1080");
	Caps display("video/x-raw,format=BGRx,width=1024,height=768; "
		     "video/x-raw,format=BGRx,width=1600,height=1200; "
		     "video/x-raw,format=BGRx,width=[640,8192],height=[480,8192]");
	/* As base transform hands them over: the range narrowed to the frame's size. */
	GstCaps *chosen = gst::cheapestCaps(
		in.caps,
		gst_caps_from_string("video/x-raw,format=BGRx,width=1024,height=768; "
				     "video/x-raw,format=BGRx,width=1600,height=1200; "
				     "video/x-raw,format=BGRx,width=1278,height=1080"),
		display.caps);
	Caps out(chosen);
	EXPECT_EQ(sizeOf(out.caps), std::pair(1600, 1200)) << out.text();
}

TEST(BridgeCaps, CroppingIsTheLastResort)
{
	Caps in("video/x-raw,format=RGB,width=1278,height=1080");
	GstCaps *chosen = gst::cheapestCaps(
		in.caps, gst_caps_from_string("video/x-raw,format=BGRx,width=1024,height=768; "
					      "video/x-raw,format=BGRx,width=800,height=600"));
	Caps out(chosen);
	EXPECT_EQ(sizeOf(out.caps), std::pair(1024, 768)) << out.text();
}

} /* namespace */
