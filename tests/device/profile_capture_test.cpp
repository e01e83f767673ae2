/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A board's devices as probed, written as a board profile (dmabridge-info --profile) and
 * read back: the profile format says everything the probe found, fact for fact, so a
 * profile captured on a board plans there as the board itself does.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/board_profile.h>
#include <dmabridge/inventory.h>
#include <dmabridge/plan.h>

#include "../profile_facts.h"
#include "board.h"

using namespace dmabridge;

namespace {

/* The board's devices as a profile; a test without vivid-001 and vkms skips off the board. */
BoardProfile probedProfile()
{
	return boardProfileOf(takeInventory(), "this-board", "the board here");
}

bool hasBoardDevices(const BoardProfile &profile)
{
	return profile.device("vivid-001") && profile.device("vkms");
}

TEST(ProfileCapture, ProbedDevicesReadBackFromTheProfile)
{
	BoardProfile probed = probedProfile();
	DMABRIDGE_REQUIRE_DEVICE(hasBoardDevices(probed), "vivid-001 or vkms");
	std::string text = boardProfileText(probed);
	Result<BoardProfile> again = BoardProfile::parse(text, "captured.board");
	ASSERT_TRUE(again) << again.error().describe() << "\n" << text;
	for (const std::string &difference : test::differingFacts(probed, *again))
		ADD_FAILURE() << difference;
	EXPECT_FALSE(again->heaps.empty()) << text;

	/* The board's shapes are there: the contiguous camera and the display. */
	Result<DeviceConstraints> camera = again->device("vivid-001");
	ASSERT_TRUE(camera) << camera.error().describe();
	EXPECT_TRUE(camera->contiguous.value) << camera->contiguous.source;
	EXPECT_NE(camera->contiguous.source.find("captured.board: "), std::string::npos);
	Result<DeviceConstraints> display = again->device("vkms");
	ASSERT_TRUE(display) << display.error().describe();
}

/* Planning from the read-back profile chooses what planning from the probe chooses. */
TEST(ProfileCapture, ProfilePlansAsTheBoardDoes)
{
	BoardProfile probed = probedProfile();
	DMABRIDGE_REQUIRE_DEVICE(hasBoardDevices(probed), "vivid-001 or vkms");
	Result<BoardProfile> again = BoardProfile::parse(boardProfileText(probed), "c.board");
	ASSERT_TRUE(again) << again.error().describe();
	for (const char *producer : { "vivid-000", "vivid-001" }) {
		Result<Plan> fromProbe = test::planOn(probed, producer, "vkms", 640, 480, 4);
		Result<Plan> fromProfile = test::planOn(*again, producer, "vkms", 640, 480, 4);
		ASSERT_TRUE(fromProbe) << fromProbe.error().describe();
		ASSERT_TRUE(fromProfile) << fromProfile.error().describe();
		EXPECT_EQ(fromProbe->allocator, fromProfile->allocator) << fromProfile->explain();
		EXPECT_EQ(fromProbe->copy, fromProfile->copy) << fromProfile->explain();
		EXPECT_EQ(fromProbe->layout, fromProfile->layout) << fromProfile->explain();
		EXPECT_EQ(fromProbe->heap.name, fromProfile->heap.name) << fromProfile->explain();
	}
}

} /* namespace */
