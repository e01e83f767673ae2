/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where a frame goes on a CRTC's planes. The planes are the shapes KmsDisplay's probe
 * reports for vkms in the boards (tests/device/kms_planes_test.cpp checks them there):
 * Linux 6.1, whose primary plane must cover the mode while its overlays position
 * (vkms.enable_overlay=1), and 6.12, whose primary positions too; neither scales. A
 * plane that scales is hypothetical here, named so: real ones (VOP windows, the Pi's
 * HVS) are not in any board these tests run on.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/kms_plane.h>

using namespace dmabridge;

namespace {

KmsPlane plane(uint32_t id, KmsPlane::Type type, bool positions, bool scales)
{
	KmsPlane p;
	p.id = id;
	p.type = type;
	p.formats = { { DRM_FORMAT_XRGB8888, {} }, { DRM_FORMAT_RGB565, {} } };
	p.zpos = { type == KmsPlane::Type::Primary ? 0u : 1u, "by type" };
	p.positions = { positions, positions ? "TEST_ONLY: accepted" : "TEST_ONLY: refused" };
	p.scales = { scales, scales ? "TEST_ONLY: accepted" : "TEST_ONLY: refused" };
	return p;
}

/* vkms in Linux 6.1 with enable_overlay=1: a primary that covers the mode, 8 overlays. */
std::vector<KmsPlane> vkms61(bool overlays = true)
{
	std::vector<KmsPlane> planes = { plane(31, KmsPlane::Type::Primary, false, false) };
	for (uint32_t id = 34; overlays && id < 42; id++)
		planes.push_back(plane(id, KmsPlane::Type::Overlay, true, false));
	planes.push_back(plane(42, KmsPlane::Type::Cursor, true, false));
	return planes;
}

PlacementRequest frame(uint32_t width, uint32_t height, uint32_t fourcc = DRM_FORMAT_XRGB8888)
{
	PlacementRequest request;
	request.fourcc = fourcc;
	request.width = width;
	request.height = height;
	request.modeWidth = 1024;
	request.modeHeight = 768;
	return request;
}

TEST(PlaceFrame, FrameOfTheModesSizeGoesOnThePrimaryPlane)
{
	Placement placement = placeFrame(vkms61(), frame(1024, 768));
	EXPECT_EQ(placement.planeId, 31u) << placement.reason;
	EXPECT_TRUE(placement.onPrimary());
	EXPECT_EQ(placement.destination, (Rect{ 0, 0, 1024, 768 }));
	EXPECT_FALSE(placement.scaled());
}

TEST(PlaceFrame, SmallerFramesAreCentredOnTheLowestOverlay)
{
	Placement wide = placeFrame(vkms61(), frame(640, 360));
	EXPECT_EQ(wide.planeId, 34u) << wide.reason;
	EXPECT_EQ(wide.type, KmsPlane::Type::Overlay);
	EXPECT_EQ(wide.source, (Rect{ 0, 0, 640, 360 }));
	EXPECT_EQ(wide.destination, (Rect{ 192, 204, 640, 360 }));
	EXPECT_NE(wide.reason.find("overlay plane 34 shows 640x360 XRGB8888 at 192,204"),
		  std::string::npos)
		<< wide.reason;

	Placement small = placeFrame(vkms61(), frame(320, 240));
	EXPECT_EQ(small.planeId, 34u);
	EXPECT_EQ(small.destination, (Rect{ 352, 264, 320, 240 }));
}

TEST(PlaceFrame, NoPlaneWhenThePrimaryMustCoverTheModeAndThereAreNoOverlays)
{
	Placement placement = placeFrame(vkms61(false), frame(640, 360));
	EXPECT_EQ(placement.planeId, 0u);
	EXPECT_NE(placement.reason.find("no plane can show 640x360 XRGB8888 at 192,204 on the "
					"1024x768 mode"),
		  std::string::npos)
		<< placement.reason;
	EXPECT_NE(placement.reason.find("plane 31 (primary): must cover the whole mode"),
		  std::string::npos)
		<< placement.reason;
	EXPECT_EQ(placement.reason.find("plane 42"), std::string::npos)
		<< "cursor planes are not offered frames: " << placement.reason;
}

/* vkms in Linux 6.12 without overlays: its primary plane positions. */
TEST(PlaceFrame, APrimaryPlaneThatPositionsShowsTheFrameItself)
{
	std::vector<KmsPlane> planes = { plane(31, KmsPlane::Type::Primary, true, false) };
	Placement placement = placeFrame(planes, frame(640, 360));
	EXPECT_EQ(placement.planeId, 31u) << placement.reason;
	EXPECT_EQ(placement.destination, (Rect{ 192, 204, 640, 360 }));
}

TEST(PlaceFrame, AFormatNoPlaneTakesIsRefusedWithTheReason)
{
	Placement placement = placeFrame(vkms61(), frame(640, 360, DRM_FORMAT_NV12));
	EXPECT_EQ(placement.planeId, 0u);
	EXPECT_NE(placement.reason.find(
			  "planes 34 to 41 (overlay): no NV12; plane 31 (primary): no NV12"),
		  std::string::npos)
		<< placement.reason;
}

TEST(PlaceFrame, ALargerFrameShowsItsTopLeftWhenNoPlaneScales)
{
	PlacementRequest request = frame(1930, 1090);
	request.modeWidth = 1920;
	request.modeHeight = 1080;
	Placement placement = placeFrame(vkms61(), request);
	EXPECT_EQ(placement.planeId, 31u) << placement.reason;
	EXPECT_EQ(placement.source, (Rect{ 0, 0, 1920, 1080 }));
	EXPECT_EQ(placement.destination, (Rect{ 0, 0, 1920, 1080 }));
}

/* A hypothetical overlay that scales: the frame fills the rectangle, aspect kept. */
TEST(PlaceFrame, AScalingPlaneFillsTheRectangleKeepingTheAspect)
{
	std::vector<KmsPlane> planes = vkms61();
	planes.push_back(plane(50, KmsPlane::Type::Overlay, true, true)); /* hypothetical */
	Placement kept = placeFrame(planes, frame(640, 360));
	EXPECT_EQ(kept.planeId, 50u) << kept.reason;
	EXPECT_EQ(kept.source, (Rect{ 0, 0, 640, 360 }));
	EXPECT_EQ(kept.destination, (Rect{ 0, 96, 1024, 576 }));
	EXPECT_TRUE(kept.scaled());

	PlacementRequest stretched = frame(640, 360);
	stretched.keepAspect = false;
	EXPECT_EQ(placeFrame(planes, stretched).destination, (Rect{ 0, 0, 1024, 768 }));
}

TEST(PlaceFrame, TheRenderRectangleIsWhereTheFrameGoes)
{
	PlacementRequest request = frame(320, 240);
	request.renderRectangle = Rect{ 100, 100, 400, 300 };
	Placement placement = placeFrame(vkms61(), request);
	EXPECT_EQ(placement.planeId, 34u) << placement.reason;
	EXPECT_EQ(placement.destination, (Rect{ 140, 130, 320, 240 }));

	std::vector<KmsPlane> planes = vkms61();
	planes.push_back(plane(50, KmsPlane::Type::Overlay, true, true)); /* hypothetical */
	request = frame(640, 360);
	request.renderRectangle = Rect{ 100, 100, 400, 300 };
	EXPECT_EQ(placeFrame(planes, request).destination, (Rect{ 100, 137, 400, 225 }));

	request.renderRectangle = Rect{ 2000, 0, 10, 10 };
	Placement off = placeFrame(planes, request);
	EXPECT_EQ(off.planeId, 0u);
	EXPECT_NE(off.reason.find("off the 1024x768 mode"), std::string::npos) << off.reason;
}

TEST(PlaceFrame, APlaneAskedForByIdIsTheOnlyOneTried)
{
	PlacementRequest request = frame(64, 64);
	request.planeId = 42;
	Placement cursor = placeFrame(vkms61(), request);
	EXPECT_EQ(cursor.planeId, 42u) << cursor.reason;
	EXPECT_EQ(cursor.type, KmsPlane::Type::Cursor);

	request.planeId = 31;
	EXPECT_EQ(placeFrame(vkms61(), request).planeId, 0u);
}

} /* namespace */
