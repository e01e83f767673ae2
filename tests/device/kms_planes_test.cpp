/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vkms's planes as KmsDisplay finds them (TEST_ONLY commits) and frames placed on them:
 * the board boots vkms with its overlay planes (vkms.enable_overlay=1), so a frame
 * smaller than the mode goes on an overlay, centred, the primary plane black around it.
 * Writeback proves it: the frame's pixels in that rectangle, black everywhere else.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/drm.h>
#include <dmabridge/frame_copy.h>
#include <dmabridge/kms.h>

#include "board.h"
#include "capture.h"

using namespace dmabridge;

namespace {

/* The number of vkms's overlay planes with enable_overlay (NUM_OVERLAY_PLANES). */
constexpr size_t kVkmsOverlays = 8;

TEST(KmsPlanes, ProbedAsTheKernelDoes)
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), vkms.error().message());
	Result<KmsDisplay> display = KmsDisplay::open(*vkms);
	ASSERT_TRUE(display.ok()) << display.error().describe();
	Result<Placement> placed = display->place(DRM_FORMAT_XRGB8888, kModifierLinear, 640, 360);
	ASSERT_TRUE(placed.ok()) << placed.error().describe();

	size_t overlays = 0, primaries = 0;
	for (const KmsPlane &plane : display->planes()) {
		SCOPED_TRACE(plane.describe());
		EXPECT_FALSE(plane.scales.value) << "no vkms plane scales";
		EXPECT_NE(plane.scales.source.find("TEST_ONLY"), std::string::npos);
		EXPECT_TRUE(plane.takes(DRM_FORMAT_XRGB8888));
		if (plane.type == KmsPlane::Type::Overlay) {
			overlays++;
			EXPECT_TRUE(plane.positions.value);
			EXPECT_EQ(plane.zpos.value, 1u);
		} else if (plane.type == KmsPlane::Type::Primary) {
			primaries++;
			EXPECT_EQ(plane.positions.value, test::vkmsPrimaryPositions())
				<< "Linux " << test::kernelRelease();
			EXPECT_EQ(plane.zpos.value, 0u);
		}
	}
	EXPECT_EQ(primaries, 1u);
	EXPECT_EQ(overlays, kVkmsOverlays) << "the board boots vkms with enable_overlay=1";
}

struct Size
{
	uint32_t width, height;
};

class SmallFrame : public ::testing::TestWithParam<Size>
{
};

/* A frame of no mode's size, smaller than the preferred 1024x768: on an overlay, centred. */
TEST_P(SmallFrame, CentredOnAnOverlayWithBlackAround)
{
	const Size size = GetParam();
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), vkms.error().message());
	Result<KmsDisplay> display = KmsDisplay::open(*vkms);
	ASSERT_TRUE(display.ok()) << display.error().describe();

	Layout layout;
	Result<DmaBuf> frame = vkms->allocateDumb(
		*computeLayout(DRM_FORMAT_XRGB8888, size.width, size.height), &layout);
	ASSERT_TRUE(frame.ok()) << frame.error().describe();
	{
		CpuAccess access(*frame, CpuAccessMode::Write);
		ASSERT_TRUE(access.isValid()) << access.error().describe();
		for (uint32_t y = 0; y < size.height; y++) {
			auto *line = reinterpret_cast<uint32_t *>(access.write().data() +
								  y * layout.planes[0].stride);
			for (uint32_t x = 0; x < size.width; x++) /* never black */
				line[x] = 0x102030 + ((x * 7 + y * 13) & 0xffff);
		}
	}
	FramebufferCache cache(*vkms);
	Result<uint32_t> framebuffer = cache.framebuffer({ &*frame, 1 }, layout);
	ASSERT_TRUE(framebuffer.ok()) << framebuffer.error().describe();
	Status shown = display->show(*framebuffer, layout);
	ASSERT_TRUE(shown.ok()) << shown.error().describe();

	ASSERT_EQ(std::pair(display->width(), display->height()), std::pair(1024u, 768u));
	const Placement &placed = display->placement();
	EXPECT_EQ(placed.type, KmsPlane::Type::Overlay) << placed.reason;
	Rect centre{ int32_t(1024 - size.width) / 2, int32_t(768 - size.height) / 2, size.width,
		     size.height };
	EXPECT_EQ(placed.destination, centre) << placed.reason;
	EXPECT_FALSE(placed.scaled());

	Layout readLayout;
	Result<DmaBuf> readBack =
		vkms->allocateDumb(*computeLayout(DRM_FORMAT_XRGB8888, 1024, 768), &readLayout);
	ASSERT_TRUE(readBack.ok()) << readBack.error().describe();
	Status read = display->readBack(cache, *readBack, readLayout);
	ASSERT_TRUE(read.ok()) << read.error().describe();
	Result<Layout> there = regionOf(readLayout, centre);
	ASSERT_TRUE(there.ok()) << there.error().describe();
	EXPECT_TRUE(test::samePicture(*frame, layout, *readBack, *there))
		<< "the frame is not where it was placed";
	CpuAccess access(*readBack, CpuAccessMode::Read);
	ASSERT_TRUE(access.isValid());
	EXPECT_EQ(pixelsNotBlackOutside(access.read(), readLayout, centre), 0u)
		<< "the primary plane is not black around the frame";
	EXPECT_TRUE(display->disable().ok());
}

INSTANTIATE_TEST_SUITE_P(Vkms, SmallFrame, ::testing::Values(Size{ 640, 360 }, Size{ 320, 240 }),
			 [](const auto &param) {
				 return std::to_string(param.param.width) + "x" +
					std::to_string(param.param.height);
			 });

/* Asked for the primary plane alone, a small frame goes there only where it positions. */
TEST(KmsPlanes, ThePrimaryPlaneAloneShowsASmallFrameWhereItPositions)
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), vkms.error().message());
	uint32_t primary = 0;
	for (const DrmPlane &plane : vkms->planes())
		if (plane.type == "primary" && !primary)
			primary = plane.id;
	KmsDisplay::Options options;
	options.planeId = primary;
	Result<KmsDisplay> display = KmsDisplay::open(*vkms, options);
	ASSERT_TRUE(display.ok()) << display.error().describe();
	Result<Placement> placed = display->place(DRM_FORMAT_XRGB8888, kModifierLinear, 320, 240);
	ASSERT_TRUE(placed.ok()) << placed.error().describe();
	if (test::vkmsPrimaryPositions()) {
		EXPECT_EQ(placed->planeId, primary) << placed->reason;
		EXPECT_EQ(placed->destination, (Rect{ 352, 264, 320, 240 }));
	} else {
		EXPECT_EQ(placed->planeId, 0u);
		EXPECT_NE(placed->reason.find("must cover the whole mode"), std::string::npos)
			<< placed->reason;
	}
}

} /* namespace */
