/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Caps in both of GStreamer's forms, on the host: GStreamer 1.22's memory:DMABuf caps
 * with a plain format, and 1.24's DMA_DRM caps with drm-format and modifiers. Both
 * dialects are checked whatever GStreamer runs the test, the running one's choice too;
 * on 1.24 and later GStreamer's own GstVideoInfoDmaDrm parses the same caps alongside.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include "../../gst-plugin/common/caps.h"
#include "../../gst-plugin/common/caps_dialect.h"
#include "caps_holder.h"

using namespace dmabridge;
using gst::CapsDialect;
using test::Caps;

namespace {

const CapsDialect &gst122 = gst::capsDialectFor(22);
const CapsDialect &gst126 = gst::capsDialectFor(26);

/*
 * Real modifier lists: vc4 on Raspberry Pi 4 scans NV12 out linear or as Broadcom's
 * SAND128 columns, and XRGB8888 linear or T-tiled (drivers/gpu/drm/vc4/vc4_plane.c,
 * vc4_format_mod_supported); Rockchip's VOP reads AFBC-compressed XRGB8888
 * (drivers/gpu/drm/rockchip/rockchip_drm_vop.c, ROCKCHIP_AFBC_MOD).
 */
constexpr uint64_t kSand128 = DRM_FORMAT_MOD_BROADCOM_SAND128;
constexpr uint64_t kTTiled = DRM_FORMAT_MOD_BROADCOM_VC4_T_TILED;
constexpr uint64_t kRockchipAfbc = DRM_FORMAT_MOD_ARM_AFBC(
	AFBC_FORMAT_MOD_BLOCK_SIZE_16x16 | AFBC_FORMAT_MOD_SPARSE | AFBC_FORMAT_MOD_YTR);

const std::vector<FormatModifiers> kVc4 = {
	{ DRM_FORMAT_XRGB8888, { DRM_FORMAT_MOD_LINEAR, kTTiled } },
	{ DRM_FORMAT_NV12, { DRM_FORMAT_MOD_LINEAR, kSand128 } },
};

GstStructure *shape(int width, int height)
{
	return gst_structure_new("video/x-raw", "width", G_TYPE_INT, width, "height", G_TYPE_INT,
				 height, nullptr);
}

GstCaps *raw(const std::vector<FormatModifiers> &formats, const CapsDialect &dialect)
{
	GstCaps *caps = gst_caps_new_empty();
	GstStructure *s = shape(640, 480);
	gst::appendRaw(caps, formats, s, true, true, dialect);
	gst_structure_free(s);
	return caps;
}

TEST(CapsDialect, ChosenByTheGStreamerRelease)
{
	EXPECT_FALSE(gst::capsDialectFor(22).dmaDrm);
	EXPECT_TRUE(gst::capsDialectFor(24).dmaDrm);
	EXPECT_TRUE(gst::capsDialectFor(26).dmaDrm);
	EXPECT_TRUE(gst::capsDialectFor(28).dmaDrm);
	guint major, minor, micro, nano;
	gst_version(&major, &minor, &micro, &nano);
	EXPECT_EQ(&gst::capsDialect(), &gst::capsDialectFor(minor)) << gst::capsDialect().name;
}

TEST(DrmFormatString, LinearIsTheFourccAloneOtherModifiersInHex)
{
	EXPECT_EQ(gst::drmFormatString(DRM_FORMAT_XRGB8888, DRM_FORMAT_MOD_LINEAR), "XR24");
	EXPECT_EQ(gst::drmFormatString(DRM_FORMAT_NV12, kSand128), "NV12:0x0700000000000004");
	auto parsed = gst::parseDrmFormatString("NV12:0x0700000000000004");
	ASSERT_TRUE(parsed);
	EXPECT_EQ(parsed->first, DRM_FORMAT_NV12);
	EXPECT_EQ(parsed->second, kSand128);
	parsed = gst::parseDrmFormatString("XR24");
	ASSERT_TRUE(parsed);
	EXPECT_EQ(parsed->first, DRM_FORMAT_XRGB8888);
	EXPECT_EQ(parsed->second, DRM_FORMAT_MOD_LINEAR);
	for (const char *bad : { "", "XR2", "XR24:", "XR24:12", "XR24:0x", "XR24:0xzz",
				 "XR24:0x00ffffffffffffff", "XR24x", "XR24:0x1 " })
		EXPECT_FALSE(gst::parseDrmFormatString(bad)) << bad;
}

TEST(DmaDrmCaps, ModifiersInDrmFormatLinearOnlyInSystemMemory)
{
	Caps caps(raw(kVc4, gst126));
	ASSERT_EQ(gst_caps_get_size(caps.caps), 2u) << caps.text();
	Caps expected("video/x-raw(memory:DMABuf), width=640, height=480, format=DMA_DRM, "
		      "drm-format={ XR24, XR24:0x0700000000000001, NV12, "
		      "NV12:0x0700000000000004 }; "
		      "video/x-raw, width=640, height=480, format={ BGRx, NV12 }");
	EXPECT_TRUE(gst_caps_is_strictly_equal(caps.caps, expected.caps)) << caps.text();
}

TEST(DmaDrmCaps, GStreamer122HasNoModifiersAndNoDmaDrm)
{
	Caps caps(raw(kVc4, gst122));
	Caps expected("video/x-raw(memory:DMABuf), width=640, height=480, format={ BGRx, NV12 }; "
		      "video/x-raw, width=640, height=480, format={ BGRx, NV12 }");
	EXPECT_TRUE(gst_caps_is_strictly_equal(caps.caps, expected.caps)) << caps.text();
}

TEST(DmaDrmCaps, AFormatOnlyInANonLinearLayoutStaysOutOfSystemMemory)
{
	Caps caps(raw({ { DRM_FORMAT_XRGB8888, { kRockchipAfbc } } }, gst126));
	ASSERT_EQ(gst_caps_get_size(caps.caps), 1u) << caps.text();
	EXPECT_TRUE(gst::isDmaBufCaps(caps.caps));
	Caps none(raw({ { DRM_FORMAT_XRGB8888, { kRockchipAfbc } } }, gst122));
	EXPECT_TRUE(gst_caps_is_empty(none.caps)) << none.text();
}

TEST(DmaDrmCaps, FormatsReadBackWithTheirModifiers)
{
	Caps caps(raw(kVc4, gst126));
	auto dmabuf = gst::formatsOf(gst_caps_get_structure(caps.caps, 0),
				     gst_caps_get_features(caps.caps, 0), gst126);
	ASSERT_TRUE(dmabuf);
	EXPECT_EQ(*dmabuf, kVc4);
	auto system = gst::formatsOf(gst_caps_get_structure(caps.caps, 1),
				     gst_caps_get_features(caps.caps, 1), gst126);
	ASSERT_TRUE(system);
	std::vector<FormatModifiers> linear = { { DRM_FORMAT_XRGB8888, {} },
						{ DRM_FORMAT_NV12, {} } };
	EXPECT_EQ(*system, linear);
	/* DMA_DRM without drm-format leaves the format open. */
	Caps open("video/x-raw(memory:DMABuf), format=DMA_DRM");
	EXPECT_FALSE(gst::formatsOf(gst_caps_get_structure(open.caps, 0),
				    gst_caps_get_features(open.caps, 0), gst126));
}

TEST(DmaDrmCaps, ParsedIntoFormatModifierAndSize)
{
	Caps caps("video/x-raw(memory:DMABuf), format=DMA_DRM, drm-format=XR24, width=641, "
		  "height=480, framerate=30/1");
	Result<gst::VideoCaps> video = gst::parseVideoCaps(caps.caps, gst126);
	ASSERT_TRUE(video) << video.error().describe();
	EXPECT_TRUE(video->dmabuf);
	EXPECT_EQ(video->fourcc, DRM_FORMAT_XRGB8888);
	EXPECT_EQ(video->modifier, DRM_FORMAT_MOD_LINEAR);
	EXPECT_EQ(GST_VIDEO_INFO_FORMAT(&video->info), GST_VIDEO_FORMAT_BGRx);
	EXPECT_EQ(GST_VIDEO_INFO_WIDTH(&video->info), 641);
	EXPECT_EQ(GST_VIDEO_INFO_PLANE_STRIDE(&video->info, 0), 641 * 4);
	EXPECT_EQ(GST_VIDEO_INFO_FPS_N(&video->info), 30);

	Caps sand("video/x-raw(memory:DMABuf), format=DMA_DRM, "
		  "drm-format=NV12:0x0700000000000004, width=1920, height=1080");
	video = gst::parseVideoCaps(sand.caps, gst126);
	ASSERT_TRUE(video) << video.error().describe();
	EXPECT_EQ(video->fourcc, DRM_FORMAT_NV12);
	EXPECT_EQ(video->modifier, kSand128);
	EXPECT_EQ(GST_VIDEO_INFO_FORMAT(&video->info), GST_VIDEO_FORMAT_NV12);
}

TEST(DmaDrmCaps, RefusedWithTheReason)
{
	/* GStreamer 1.22 knows no DMA_DRM; an unknown fourcc; two formats left open. */
	Caps drm("video/x-raw(memory:DMABuf), format=DMA_DRM, drm-format=XR24, width=64, "
		 "height=64");
	EXPECT_FALSE(gst::parseVideoCaps(drm.caps, gst122));
	Caps unknown("video/x-raw(memory:DMABuf), format=DMA_DRM, drm-format=ZZZZ, width=64, "
		     "height=64");
	Result<gst::VideoCaps> video = gst::parseVideoCaps(unknown.caps, gst126);
	ASSERT_FALSE(video);
	EXPECT_NE(video.error().message().find("drm-format ZZZZ is no DRM format"),
		  std::string::npos)
		<< video.error().describe();
	Caps plain("video/x-raw, format=BGRx, width=64, height=64");
	video = gst::parseVideoCaps(plain.caps, gst126);
	ASSERT_TRUE(video);
	EXPECT_FALSE(video->dmabuf);
	EXPECT_EQ(video->fourcc, DRM_FORMAT_XRGB8888);
}

/* A string field holding no string (format=NULL parses to one) is refused, not read. */
TEST(DmaDrmCaps, NullStringFieldsAreRefused)
{
	for (const CapsDialect *dialect : { &gst122, &gst126 }) {
		Caps format("video/x-raw, format=NULL, width=64, height=64");
		EXPECT_FALSE(gst::parseVideoCaps(format.caps, *dialect));
		Caps drm("video/x-raw(memory:DMABuf), format=DMA_DRM, drm-format=NULL, width=64, "
			 "height=64");
		EXPECT_FALSE(gst::parseVideoCaps(drm.caps, *dialect));
		Caps list("video/x-raw(memory:DMABuf), format=DMA_DRM, drm-format={ NULL, XR24 }, "
			  "width=64, height=64");
		auto formats = gst::formatsOf(gst_caps_get_structure(list.caps, 0),
					      gst_caps_get_features(list.caps, 0), *dialect);
		if (dialect->dmaDrm) {
			ASSERT_TRUE(formats);
			ASSERT_EQ(formats->size(), 1u);
			EXPECT_EQ(formats->front().fourcc, DRM_FORMAT_XRGB8888);
		}
	}
}

/*
 * What upstream's 1.26 elements offer and take, as their templates and caps queries show
 * them (kmssink takes dma-bufs only as DMA_DRM; v4l2src offers DMA_DRM first): ours
 * must meet them.
 */
TEST(DmaDrmCaps, MeetsUpstreamDmaDrmCaps)
{
	Caps ours(raw({ { DRM_FORMAT_XRGB8888, {} } }, gst126));
	Caps kmssink("video/x-raw(memory:DMABuf), format=DMA_DRM, drm-format={ XR24, AR24, "
		     "RG16 }, width=[1,16384], height=[1,16384]");
	Caps both(gst_caps_intersect(ours.caps, kmssink.caps));
	ASSERT_FALSE(gst_caps_is_empty(both.caps)) << ours.text();
	both.caps = gst_caps_fixate(both.caps);
	Result<gst::VideoCaps> video = gst::parseVideoCaps(both.caps, gst126);
	ASSERT_TRUE(video) << both.text();
	EXPECT_EQ(video->fourcc, DRM_FORMAT_XRGB8888);
	/* And nothing in the form 1.24 no longer takes. */
	Caps old("video/x-raw(memory:DMABuf), format=BGRx, width=640, height=480");
	EXPECT_FALSE(gst_caps_can_intersect(ours.caps, old.caps)) << ours.text();
}

TEST(DmaDrmCaps, FixatingKeepsTheFormatAsked)
{
	Caps caps(raw(kVc4, gst126));
	/* The dma-buf structure names the layout, the system-memory one the format. */
	const std::pair<const char *, const char *> expected[] = {
		{ "drm-format", "NV12:0x0700000000000004" },
		{ "format", "NV12" },
	};
	for (guint i = 0; i < 2; i++) {
		Caps one(gst_caps_copy_nth(caps.caps, i));
		gst::fixateFormat(one.caps, DRM_FORMAT_NV12, kSand128, gst126);
		EXPECT_STREQ(gst_structure_get_string(gst_caps_get_structure(one.caps, 0),
						      expected[i].first),
			     expected[i].second)
			<< one.text();
	}
}

#if GST_CHECK_VERSION(1, 24, 0)
/* GStreamer's own parser reads our caps as we do. */
TEST(DmaDrmCaps, GStreamersOwnParserAgrees)
{
	Caps caps(raw(kVc4, gst126));
	GstCaps *one = gst_caps_copy_nth(caps.caps, 0);
	gst::fixateFormat(one, DRM_FORMAT_NV12, kSand128, gst126);
	Caps fixed(gst_caps_fixate(one));
	GstVideoInfoDmaDrm theirs;
	ASSERT_TRUE(gst_video_info_dma_drm_from_caps(&theirs, fixed.caps)) << fixed.text();
	Result<gst::VideoCaps> ours = gst::parseVideoCaps(fixed.caps, gst126);
	ASSERT_TRUE(ours);
	EXPECT_EQ(theirs.drm_fourcc, ours->fourcc);
	EXPECT_EQ(theirs.drm_modifier, ours->modifier);
	EXPECT_EQ(GST_VIDEO_INFO_WIDTH(&theirs.vinfo), GST_VIDEO_INFO_WIDTH(&ours->info));
}
#endif

} /* namespace */
