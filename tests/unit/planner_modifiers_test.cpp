/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Layouts other than linear: the planner intersects the modifiers of the producer and
 * every consumer, and picks one. The consumers are the board profiles' real display
 * engines (vc4 on Raspberry Pi 4 with its SAND and T-tiled layouts, the RK3399 VOP with
 * AFBC); the producers are hypothetical devices, named so, that write those layouts as
 * the boards' decoders and GPUs do.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/board_profile.h>
#include <dmabridge/modifier.h>
#include <dmabridge/plan.h>

using namespace dmabridge;

namespace {

constexpr uint64_t kSand128 = DRM_FORMAT_MOD_BROADCOM_SAND128;
constexpr uint64_t kRockchipAfbc = DRM_FORMAT_MOD_ARM_AFBC(
	AFBC_FORMAT_MOD_BLOCK_SIZE_16x16 | AFBC_FORMAT_MOD_SPARSE | AFBC_FORMAT_MOD_YTR);

DeviceConstraints fromBoard(const char *board, const char *device)
{
	Result<BoardProfile> profile = findBoardProfile(board);
	EXPECT_TRUE(profile) << profile.error().describe();
	Result<DeviceConstraints> constraints = profile->device(device);
	EXPECT_TRUE(constraints) << constraints.error().describe();
	return *constraints;
}

std::vector<HeapInfo> heapsOf(const char *board)
{
	return findBoardProfile(board)->heaps;
}

/* A hypothetical decoder writing NV12 in 128-byte columns first, linear if asked. */
DeviceConstraints sandDecoder(bool exports)
{
	DeviceConstraints device;
	device.name = "hypothetical-sand-decoder";
	device.role = "V4L2 m2m capture";
	device.formats = { { DRM_FORMAT_NV12, { kSand128, DRM_FORMAT_MOD_LINEAR } } };
	device.contiguous = { true, "hypothetical: vb2-dma-contig" };
	device.iommu = { false, "hypothetical: no iommus property" };
	device.canExport = exports;
	device.canImport = true;
	device.exportsContiguous = { exports, "hypothetical: vb2-dma-contig exports from CMA" };
	return device;
}

/* Four frames from producer to the board's consumer, with the board's heaps. */
PlanRequest onBoard(const char *board, DeviceConstraints producer, const char *consumer,
		    uint32_t fourcc, uint32_t width, uint32_t height)
{
	return { std::move(producer), { fromBoard(board, consumer) }, fourcc, width, height, 4,
		 heapsOf(board) };
}

bool says(const Plan &plan, const std::string &text)
{
	return plan.explain().find(text) != std::string::npos;
}

TEST(PlannerModifiers, BoardProfilesCarryTheDriversModifiers)
{
	DeviceConstraints vc4 = fromBoard("rpi4", "vc4");
	EXPECT_TRUE(vc4.acceptsFormat(DRM_FORMAT_NV12, kSand128));
	EXPECT_TRUE(vc4.acceptsFormat(DRM_FORMAT_NV12, DRM_FORMAT_MOD_LINEAR));
	EXPECT_FALSE(vc4.acceptsFormat(DRM_FORMAT_YUV420, kSand128));
	DeviceConstraints vop = fromBoard("rk3399", "rockchip-vop");
	EXPECT_TRUE(vop.acceptsFormat(DRM_FORMAT_XRGB8888, kRockchipAfbc));
	EXPECT_FALSE(vop.acceptsFormat(DRM_FORMAT_NV12, kRockchipAfbc));
	EXPECT_EQ(modifierName(kRockchipAfbc), "ARM_AFBC_16x16_SPARSE_YTR");
}

TEST(PlannerModifiers, TheProducersFirstSharedLayoutWins)
{
	Result<Plan> plan = Planner().plan(
		onBoard("rpi4", sandDecoder(true), "vc4", DRM_FORMAT_NV12, 1920, 1080));
	ASSERT_TRUE(plan) << plan.error().describe();
	EXPECT_FALSE(plan->copy) << plan->explain();
	EXPECT_EQ(plan->layout.modifier, kSand128);
	/* Only the producer's driver knows the columns' strides: it allocates. */
	EXPECT_EQ(plan->allocator, AllocatorKind::ProducerExport);
	EXPECT_EQ(plan->allocatingDevice, "hypothetical-sand-decoder");
	EXPECT_TRUE(says(*plan, "Every device reads NV12 as BROADCOM_SAND128")) << plan->explain();
	EXPECT_TRUE(says(*plan, "exports contiguous buffers")) << plan->explain();
}

TEST(PlannerModifiers, LinearWhenTheProducerCannotLayOutTheOthers)
{
	Result<Plan> plan = Planner().plan(
		onBoard("rpi4", sandDecoder(false), "vc4", DRM_FORMAT_NV12, 1920, 1080));
	ASSERT_TRUE(plan) << plan.error().describe();
	EXPECT_FALSE(plan->copy);
	EXPECT_EQ(plan->layout.modifier, DRM_FORMAT_MOD_LINEAR);
	EXPECT_EQ(plan->allocator, AllocatorKind::Heap);
	EXPECT_EQ(plan->heap.name, "linux,cma");
	EXPECT_TRUE(says(*plan, "Linear layout: BROADCOM_SAND128, LINEAR suit every device"))
		<< plan->explain();
}

TEST(PlannerModifiers, NoSharedLayoutIsACopyThatNamesEachDevicesLayouts)
{
	/* A hypothetical GPU that renders AFBC only, into the RK3399's RGA (linear only). */
	DeviceConstraints gpu;
	gpu.name = "hypothetical-afbc-gpu";
	gpu.formats = { { DRM_FORMAT_XRGB8888, { kRockchipAfbc } } };
	gpu.canExport = true;
	gpu.iommu = { true, "hypothetical: the GPU's own MMU" };
	PlanRequest request =
		onBoard("rk3399", gpu, "rockchip-rga", DRM_FORMAT_XRGB8888, 1280, 720);
	Result<Plan> plan = Planner().plan(request);
	ASSERT_TRUE(plan) << plan.error().describe();
	EXPECT_TRUE(plan->copy);
	EXPECT_NE(plan->copyReason.find("no layout of XRGB8888 suits every device: "
					"hypothetical-afbc-gpu takes ARM_AFBC_16x16_SPARSE_YTR; "
					"rockchip-rga takes LINEAR"),
		  std::string::npos)
		<< plan->copyReason;
	/* Planned for the producer alone, in its own layout. */
	EXPECT_EQ(plan->layout.modifier, kRockchipAfbc);

	/* The VOP reads the GPU's AFBC as it is. */
	request.consumers = { fromBoard("rk3399", "rockchip-vop") };
	plan = Planner().plan(request);
	ASSERT_TRUE(plan) << plan.error().describe();
	EXPECT_FALSE(plan->copy) << plan->explain();
	EXPECT_EQ(plan->layout.modifier, kRockchipAfbc);
}

TEST(PlannerModifiers, LinearOnlyDevicesPlanAsBefore)
{
	/* No sentence about layouts when linear is all there is. */
	Result<Plan> plan = Planner().plan(
		onBoard("rpi4", fromBoard("rpi4", "unicam"), "vc4", DRM_FORMAT_YUYV, 1920, 1080));
	ASSERT_TRUE(plan) << plan.error().describe();
	EXPECT_EQ(plan->layout.modifier, DRM_FORMAT_MOD_LINEAR);
	EXPECT_FALSE(says(*plan, "layout:")) << plan->explain();
	EXPECT_FALSE(says(*plan, "Every device reads")) << plan->explain();
}

TEST(PlannerModifiers, ProfilesRefuseUnknownModifiersAndUncitedOnes)
{
	const char *base = "board t\ndevice d\n  formats NV12\n";
	Result<BoardProfile> unknown = BoardProfile::parse(
		std::string(base) + "  modifiers NV12 LINEAR NOT_A_MODIFIER ; a source\n",
		"t.board");
	ASSERT_FALSE(unknown);
	EXPECT_NE(unknown.error().message().find("unknown modifier 'NOT_A_MODIFIER'"),
		  std::string::npos);
	Result<BoardProfile> uncited =
		BoardProfile::parse(std::string(base) + "  modifiers NV12 LINEAR\n", "t.board");
	ASSERT_FALSE(uncited);
	EXPECT_NE(uncited.error().message().find("needs its source"), std::string::npos);
	Result<BoardProfile> hex = BoardProfile::parse(
		std::string(base) + "  modifiers NV12 0x0700000000000004 ; a source\n", "t.board");
	ASSERT_TRUE(hex) << hex.error().describe();
	EXPECT_TRUE(hex->devices[0].constraints.acceptsFormat(DRM_FORMAT_NV12, kSand128));
}

} /* namespace */
