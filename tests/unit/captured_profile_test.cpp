/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A board profile captured on a board (dmabridge-info --profile), planned against on a
 * machine without that board: tests/unit/profiles/vboard-arm64-iommu.board, the arm64
 * board with 16 KiB pages and virtio-gpu behind QEMU's SMMUv3 (README, "The arm64
 * board"). The plans are the ones the board's own tests check there
 * (tests/device/iommu_display_test.cpp).
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/board_profile.h>
#include <dmabridge/plan.h>

#include "../profile_facts.h"

using namespace dmabridge;

namespace {

class CapturedArm64Board : public ::testing::Test
{
protected:
	void SetUp() override
	{
		Result<BoardProfile> loaded = BoardProfile::load(
			std::string(DMABRIDGE_TEST_DATA) + "/profiles/vboard-arm64-iommu.board");
		ASSERT_TRUE(loaded) << loaded.error().describe();
		board_ = std::move(*loaded);
	}

	Result<Plan> plan(const char *producer, const char *consumer)
	{
		return test::planOn(board_, producer, consumer, 1280, 720, 3);
	}

	BoardProfile board_;
};

TEST_F(CapturedArm64Board, SaysWhatTheProbeFound)
{
	EXPECT_EQ(board_.pageSize, 16384u);
	Result<DeviceConstraints> display = board_.device("virtio_gpu");
	ASSERT_TRUE(display) << display.error().describe();
	EXPECT_TRUE(display->iommu.value);
	EXPECT_NE(display->iommu.source.find("iommu_group 5 (type DMA)"), std::string::npos)
		<< display->iommu.source;
	EXPECT_EQ(display->memoryOnlyFrom.value, "/dev/dri/card2");
	EXPECT_NE(display->memoryOnlyFrom.source.find("(ENODEV)"), std::string::npos);
	Result<DeviceConstraints> camera = board_.device("vivid-001");
	ASSERT_TRUE(camera) << camera.error().describe();
	EXPECT_TRUE(camera->needsContiguousMemory()) << camera->contiguous.source;
}

/* vivid-000 captures into virtio-gpu's own buffers, whole 16 KiB pages. */
TEST_F(CapturedArm64Board, ScatteredCameraCapturesIntoTheDisplaysBuffers)
{
	Result<Plan> chosen = plan("vivid-000", "virtio_gpu");
	ASSERT_TRUE(chosen) << chosen.error().describe();
	EXPECT_FALSE(chosen->copy) << chosen->explain();
	EXPECT_EQ(chosen->allocator, AllocatorKind::DrmDumb) << chosen->explain();
	EXPECT_EQ(chosen->allocatingDevice, "/dev/dri/card2") << chosen->explain();
	EXPECT_EQ(chosen->bufferSize % 16384, 0u) << chosen->bufferSize;
}

TEST_F(CapturedArm64Board, ContiguousCameraIsCopiedForTheDisplay)
{
	Result<Plan> chosen = plan("vivid-001", "virtio_gpu");
	ASSERT_TRUE(chosen) << chosen.error().describe();
	EXPECT_TRUE(chosen->copy) << chosen->explain();
	EXPECT_NE(chosen->copyReason.find("can only use buffers allocated by /dev/dri/card2"),
		  std::string::npos)
		<< chosen->copyReason;
}

TEST_F(CapturedArm64Board, ContiguousCameraSharesCmaWithVkms)
{
	Result<Plan> chosen = plan("vivid-001", "vkms");
	ASSERT_TRUE(chosen) << chosen.error().describe();
	EXPECT_FALSE(chosen->copy) << chosen->explain();
	EXPECT_EQ(chosen->heap.name, "reserved") << chosen->explain();
	EXPECT_EQ(chosen->bufferSize % 16384, 0u) << chosen->bufferSize;
}

} /* namespace */
