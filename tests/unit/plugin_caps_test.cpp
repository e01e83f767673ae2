/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plugin's caps rules, on the host: the sizes a display offers (its modes, then any
 * larger frame it crops) and the caps the bridge picks to produce from its input.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include "../../gst-plugin/common/caps.h"

using namespace dmabridge;

namespace {

struct Caps
{
	explicit Caps(GstCaps *taken) : caps(taken) {}
	explicit Caps(const char *text) : caps(gst_caps_from_string(text)) {}
	Caps(const Caps &) = delete;
	~Caps() { gst_caps_unref(caps); }
	std::string text() const
	{
		gchar *s = gst_caps_to_string(caps);
		std::string out = s;
		g_free(s);
		return out;
	}
	GstCaps *caps;
};

std::pair<int, int> sizeOf(GstCaps *caps)
{
	int width = 0, height = 0;
	const GstStructure *s = gst_caps_get_structure(caps, 0);
	gst_structure_get_int(s, "width", &width);
	gst_structure_get_int(s, "height", &height);
	return { width, height };
}

const std::vector<FormatModifiers> kXrgb = { { DRM_FORMAT_XRGB8888, {} } };

TEST(DisplayCaps, ModeSizesFirstThenRangesOfLargerFrames)
{
	Caps caps(gst::capsFor(kXrgb, { { 1024, 768, 1024, 768 }, { 640, 480, 8192, 8192 } }));
	/* Each size structure twice: dma-buf memory, then system memory. */
	ASSERT_EQ(gst_caps_get_size(caps.caps), 4u) << caps.text();
	EXPECT_EQ(sizeOf(caps.caps), std::pair(1024, 768));
	Caps fullHd("video/x-raw(memory:DMABuf),format=BGRx,width=1920,height=1080");
	EXPECT_TRUE(gst_caps_can_intersect(caps.caps, fullHd.caps)) << caps.text();
	Caps small("video/x-raw(memory:DMABuf),format=BGRx,width=320,height=240");
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
