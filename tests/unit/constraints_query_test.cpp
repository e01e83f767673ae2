/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device constraints as they travel in the allocation query: every fact the planner
 * uses survives the trip, and the constraints of every branch of a tee reach upstream.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include "../../gst-plugin/common/constraints_query.h"

using namespace dmabridge;

namespace {

/*
 * vc4 as a Raspberry Pi 4 shows it: its plane lists T-tiled XRGB8888 in IN_FORMATS (the
 * DRM probe reads modifiers there) and a board profile line "height-align 16" gives the
 * height alignment.
 */
DeviceConstraints tiledDisplay()
{
	return { .name = "vc4",
		 .node = "/dev/dri/card1",
		 .role = "KMS primary plane 31",
		 .driver = "vc4",
		 .formats = { { DRM_FORMAT_XRGB8888,
				{ DRM_FORMAT_MOD_LINEAR, DRM_FORMAT_MOD_BROADCOM_VC4_T_TILED } },
			      { DRM_FORMAT_NV12, {} } },
		 .alignment = { { 64, 16, 4096, 16 }, "board profile rpi4: height-align 16" },
		 .contiguous = { true, "quirk table: vc4 has no IOMMU" } };
}

TEST(ConstraintsQuery, RoundTripKeepsAlignmentAndModifiers)
{
	DeviceConstraints sent = tiledDisplay();
	GstStructure *structure = gst::toStructure(sent);
	DeviceConstraints got = gst::fromStructure(structure);
	gst_structure_free(structure);
	EXPECT_EQ(got.alignment.value.height, 16u) << "the height alignment was lost";
	EXPECT_EQ(got.alignment.value.stride, 64u);
	EXPECT_EQ(got.alignment.value.offset, 16u);
	EXPECT_EQ(got.alignment.source, sent.alignment.source);
	ASSERT_EQ(got.formats.size(), 2u);
	EXPECT_EQ(got.formats[0].fourcc, uint32_t(DRM_FORMAT_XRGB8888));
	EXPECT_EQ(got.formats[0].modifiers, sent.formats[0].modifiers) << "modifiers were lost";
	EXPECT_TRUE(got.formats[1].modifiers.empty());
	EXPECT_TRUE(got.contiguous.value);
	EXPECT_EQ(got.contiguous.source, sent.contiguous.source);
}

/* The GPU of the virtual board as the EGL probe and the quirk table describe it. */
DeviceConstraints softwareGpu()
{
	return { .name = "llvmpipe",
		 .node = "/dev/dri/card0",
		 .role = "EGL sampler",
		 .driver = "llvmpipe",
		 .formats = { { DRM_FORMAT_XRGB8888, {} } },
		 .memoryOnlyFrom = { "/dev/dri/card0", "quirk table: Mesa's software driver" } };
}

/* tee on GStreamer 1.26 merges two branches' parameters with this: every device once. */
TEST(ConstraintsQuery, MergedParamsAreTheUnionOfTheBranches)
{
	GstQuery *display = gst_query_new_allocation(nullptr, TRUE);
	GstQuery *both = gst_query_new_allocation(nullptr, TRUE);
	gst::addConstraints(display, tiledDisplay());
	gst::addConstraints(both, softwareGpu());
	gst::addConstraints(both, tiledDisplay());
	const GstStructure *a = nullptr, *b = nullptr;
	gst_query_parse_nth_allocation_meta(display, 0, &a);
	gst_query_parse_nth_allocation_meta(both, 0, &b);
	GstStructure *merged = gst::mergedParams(a, b);
	GstQuery *result = gst_query_new_allocation(nullptr, TRUE);
	gst_query_add_allocation_meta(result, gst::constraintsApiType(), merged);
	std::vector<DeviceConstraints> devices = gst::constraintsFrom(result);
	ASSERT_EQ(devices.size(), 2u);
	EXPECT_EQ(devices[0].name, "vc4");
	EXPECT_EQ(devices[1].name, "llvmpipe");
	EXPECT_EQ(devices[1].memoryOnlyFrom.value, "/dev/dri/card0");
	gst_structure_free(merged);
	for (GstQuery *query : { display, both, result })
		gst_query_unref(query);
}

/* What a consumer announces from its sink pad reaches the pad upstream of it. */
TEST(ConstraintsQuery, AnnouncementReachesUpstream)
{
	static gst::Announcements announced;
	GstPad *src = gst_pad_new("src", GST_PAD_SRC), *sink = gst_pad_new("sink", GST_PAD_SINK);
	gst_pad_set_event_function(src, [](GstPad *pad, GstObject *parent, GstEvent *event) {
		if (announced.take(event)) {
			gst_event_unref(event);
			return gboolean(TRUE);
		}
		return gst_pad_event_default(pad, parent, event);
	});
	ASSERT_EQ(gst_pad_link(src, sink), GST_PAD_LINK_OK);
	gst_pad_set_active(src, TRUE);
	gst_pad_set_active(sink, TRUE);
	gst::announceConstraints(sink, tiledDisplay());
	std::vector<DeviceConstraints> devices = announced.drain();
	ASSERT_EQ(devices.size(), 1u);
	EXPECT_EQ(devices[0].name, "vc4");
	EXPECT_EQ(devices[0].formats[0].modifiers, tiledDisplay().formats[0].modifiers);
	EXPECT_TRUE(announced.drain().empty()) << "taken once";
	gst_pad_set_active(src, FALSE);
	gst_pad_set_active(sink, FALSE);
	gst_object_unref(src);
	gst_object_unref(sink);
}

} /* namespace */
