/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Board profiles: the bundled ones parse and say what their boards are known for, and
 * malformed ones are refused with the file, the line and what was wrong.
 */
#include <algorithm>
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/board_profile.h>

#include "../profile_facts.h"

using namespace dmabridge;

namespace {

const std::string kMinimal = "board test\n"
			     "device cam\n"
			     "  formats NV12\n";

std::string errorOf(const std::string &text)
{
	Result<BoardProfile> profile = BoardProfile::parse(text, "test.board");
	return profile ? std::string("parsed") : profile.error().message();
}

TEST(BoardProfile, BundledProfilesParse)
{
	for (const char *id : { "rpi4", "rpi5", "rk3399", "imx8mp" }) {
		Result<BoardProfile> profile = findBoardProfile(id);
		ASSERT_TRUE(profile) << profile.error().describe();
		EXPECT_EQ(profile->id, id);
		EXPECT_FALSE(profile->title.empty());
		EXPECT_GE(profile->heaps.size(), 2u) << id;
		EXPECT_GE(profile->devices.size(), 3u) << id;
		EXPECT_GE(profile->pageSize, 4096u) << id << " says its kernel's page size";
		for (const BoardDevice &device : profile->devices) {
			/* Every constraint a profile sets carries its source. */
			EXPECT_FALSE(device.constraints.contiguous.source.empty()) << device.id;
			EXPECT_FALSE(device.constraints.iommu.source.empty()) << device.id;
		}
	}
	EXPECT_EQ(boardProfileIds(),
		  (std::vector<std::string>{ "imx8mp", "rk3399", "rpi4", "rpi5" }));
}

TEST(BoardProfile, Rpi4DisplayNeedsLowContiguousMemory)
{
	Result<BoardProfile> rpi4 = findBoardProfile("rpi4");
	ASSERT_TRUE(rpi4);
	Result<DeviceConstraints> vc4 = rpi4->device("vc4");
	ASSERT_TRUE(vc4);
	EXPECT_TRUE(vc4->needsContiguousMemory());
	EXPECT_EQ(vc4->addressLimit.value, 1ull << 30);
	EXPECT_NE(vc4->iommu.source.find("rpi4.board"), std::string::npos);
	EXPECT_TRUE(vc4->acceptsFormat(DRM_FORMAT_NV12));
	Result<BoardProfile> rpi5 = findBoardProfile("rpi5");
	ASSERT_TRUE(rpi5);
	EXPECT_FALSE(rpi5->device("vc4")->needsContiguousMemory()) << "behind an IOMMU on a Pi 5";
}

/* Raspberry Pi OS's display overlays size the CMA area: 508 MiB on a Pi 4, 64 on a Pi 5. */
TEST(BoardProfile, RaspberryPiCmaAreasHaveTheirSizes)
{
	for (auto [id, mib] : { std::pair{ "rpi4", 508u }, std::pair{ "rpi5", 64u } }) {
		Result<BoardProfile> profile = findBoardProfile(id);
		ASSERT_TRUE(profile) << profile.error().describe();
		auto cma = std::find_if(profile->heaps.begin(), profile->heaps.end(),
					[](const HeapInfo &heap) { return heap.contiguous; });
		ASSERT_NE(cma, profile->heaps.end()) << id;
		EXPECT_EQ(cma->size, uint64_t(mib) << 20) << id;
		EXPECT_NE(cma->reason.find("vc4-kms-v3d"), std::string::npos) << cma->reason;
	}
}

TEST(BoardProfile, UnknownBoardAndDeviceNameWhatThereIs)
{
	Result<BoardProfile> none = findBoardProfile("rpi9");
	ASSERT_FALSE(none);
	EXPECT_EQ(none.error().code(), ENOENT);
	EXPECT_NE(none.error().message().find("rpi4"), std::string::npos) << none.error().message();
	Result<BoardProfile> rpi4 = findBoardProfile("rpi4");
	Result<DeviceConstraints> missing = rpi4->device("imx219");
	ASSERT_FALSE(missing);
	EXPECT_NE(missing.error().message().find("unicam, vc4, v3d"), std::string::npos)
		<< missing.error().message();
	EXPECT_FALSE(BoardProfile::load("/nonexistent/x.board"));
}

TEST(BoardProfile, MinimalProfileParses)
{
	Result<BoardProfile> profile = BoardProfile::parse(kMinimal, "test.board");
	ASSERT_TRUE(profile) << profile.error().describe();
	EXPECT_EQ(profile->devices.at(0).id, "cam");
	EXPECT_TRUE(profile->heaps.empty());
}

/* A profile written out reads back to the same facts, each still with a source. */
TEST(BoardProfile, BundledProfilesReadBackFromTheirText)
{
	for (const char *id : { "rpi4", "rpi5", "rk3399", "imx8mp" }) {
		Result<BoardProfile> profile = findBoardProfile(id);
		ASSERT_TRUE(profile) << profile.error().describe();
		std::string text = boardProfileText(*profile);
		Result<BoardProfile> again = BoardProfile::parse(text, "written.board");
		ASSERT_TRUE(again) << again.error().describe() << "\n" << text;
		for (const std::string &difference : test::differingFacts(*profile, *again))
			ADD_FAILURE() << id << ": " << difference << "\n" << text;
		EXPECT_NE(text.find("board profile " + std::string(id) + ".board: "),
			  std::string::npos)
			<< "the sources travel with the facts:\n"
			<< text;
	}
}

/* What a profile may leave out (a role, a node, every constraint) stays out when written. */
TEST(BoardProfile, MinimalProfileReadsBackFromItsText)
{
	Result<BoardProfile> profile =
		BoardProfile::parse(kMinimal + "heap vendor\n  cached no ; s\n", "test.board");
	ASSERT_TRUE(profile) << profile.error().describe();
	std::string text = boardProfileText(*profile);
	Result<BoardProfile> again = BoardProfile::parse(text, "written.board");
	ASSERT_TRUE(again) << again.error().describe() << "\n" << text;
	for (const std::string &difference : test::differingFacts(*profile, *again))
		ADD_FAILURE() << difference << "\n" << text;
}

TEST(BoardProfile, UsableMemoryIsListedByKind)
{
	Result<BoardProfile> profile = BoardProfile::parse(
		kMinimal + "  usable-memory own-dumb v4l2-export ; probed: a GPU\n", "test.board");
	ASSERT_TRUE(profile) << profile.error().describe();
	const DeviceConstraints &cam = profile->devices.at(0).constraints;
	EXPECT_TRUE(cam.usableMemory.value.has(MemoryKind::OwnDumb));
	EXPECT_TRUE(cam.usableMemory.value.has(MemoryKind::V4l2Export));
	EXPECT_FALSE(cam.usableMemory.value.has(MemoryKind::SystemHeap));
	EXPECT_NE(cam.usableMemory.source.find("probed: a GPU"), std::string::npos);

	profile = BoardProfile::parse(kMinimal + "  usable-memory none ; probed\n", "t.board");
	ASSERT_TRUE(profile) << profile.error().describe();
	EXPECT_EQ(profile->devices.at(0).constraints.usableMemory.value.bits, 0u);
}

/*
 * A format the library's table lacks, as a probe lists it (vkms in Linux 6.12 offers
 * XR48), is written as its fourcc in hex and read back.
 */
TEST(BoardProfile, FormatOutsideTheTableTravelsAsItsFourcc)
{
	const uint32_t xr48 = fourcc_code('X', 'R', '4', '8');
	BoardProfile profile;
	profile.id = "test";
	profile.devices.push_back({ "vkms", {} });
	profile.devices[0].constraints.role = "KMS primary plane 31";
	profile.devices[0].constraints.driver = "vkms";
	profile.devices[0].constraints.formats = { { DRM_FORMAT_XRGB8888, {} },
						   { xr48, { DRM_FORMAT_MOD_LINEAR } } };
	std::string text = boardProfileText(profile);
	EXPECT_NE(text.find("formats XRGB8888 0x38345258"), std::string::npos) << text;
	EXPECT_NE(text.find("modifiers 0x38345258 LINEAR"), std::string::npos) << text;
	Result<BoardProfile> again = BoardProfile::parse(text, "test.board");
	ASSERT_TRUE(again) << again.error().describe() << "\n" << text;
	for (const std::string &difference : test::differingFacts(profile, *again))
		ADD_FAILURE() << difference << "\n" << text;
}

struct Malformed
{
	const char *text;
	const char *expected; /* in the message */
};

class MalformedProfile : public ::testing::TestWithParam<Malformed>
{
};

TEST_P(MalformedProfile, IsRefusedWithTheLine)
{
	std::string message = errorOf(GetParam().text);
	EXPECT_NE(message.find(GetParam().expected), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
	Inputs, MalformedProfile,
	::testing::Values(
		Malformed{ "", "no 'board <id>' line" }, Malformed{ "board x\n", "no device" },
		Malformed{ "board x\ndevice cam\n", "lists no formats" },
		Malformed{ "board x\nboard y\n", "test.board:2: a second 'board' line" },
		Malformed{ "board x\nfrobnicate 1\n", "test.board:2: unknown keyword" },
		Malformed{ "board x\n  formats NV12\n", "test.board:2: an indented line outside" },
		Malformed{ "board x\ndevice cam\n  formats NV99\n", "unknown format 'NV99'" },
		Malformed{ "board x\ndevice cam\n  formats 0x0\n", "unknown format '0x0'" },
		Malformed{ "board x\ndevice cam\n  formats 0xzz345258\n", "unknown format" },
		Malformed{ "board x\ndevice cam\n  formats NV12\n  contiguous yes\n",
			   "test.board:4: constraint 'contiguous' needs its source" },
		Malformed{ "board x\ndevice cam\n  formats NV12\n  contiguous maybe ; s\n",
			   "is yes or no" },
		Malformed{
			"board x\ndevice cam\n  formats NV12\n  address-limit 99999999999G ; s\n",
			"is a size" },
		Malformed{ "board x\ndevice cam\n  formats NV12\n  address-limit -1 ; s\n",
			   "is a size" },
		Malformed{ "board x\ndevice cam\n  formats NV12\n  stride-align 48 ; s\n",
			   "power of two" },
		Malformed{ "board x\ndevice cam\n  formats NV12\n  stride-align 0 ; s\n",
			   "power of two" },
		Malformed{ "board x\ndevice cam\n  formats NV12\n  colour blue ; s\n",
			   "unknown device attribute 'colour'" },
		Malformed{ "board x\ndevice cam\ndevice cam\n", "a second device 'cam'" },
		Malformed{ "board x\ndevice cam\n  formats NV12\n  usable-memory vram ; s\n",
			   "unknown kind of memory 'vram'" },
		Malformed{ "board x\ndevice cam\n  formats NV12\n  usable-memory udmabuf\n",
			   "'usable-memory' needs its source" },
		Malformed{ "board x\ndevice two words\n", "one word" },
		Malformed{ "board x\nheap cma\n  contiguous yes\n", "needs its source" },
		Malformed{ "board x\nheap cma\n  colour blue ; s\n", "unknown heap attribute" },
		Malformed{ "board x\nheap cma\n  size 5M\n", "'size' needs its source" },
		Malformed{ "board x\nheap cma\n  size 0 ; s\n", "'size' is a size" },
		Malformed{ "board x ; cited\n", "a source belongs to a constraint" },
		Malformed{ "board x\npage-size 16K\n", "'page-size' needs its source" },
		Malformed{ "board x\npage-size 12K ; s\n", "a power of two from 4K to 1M" },
		Malformed{ "board x\npage-size 2K ; s\n", "a power of two from 4K to 1M" }));

TEST(BoardProfile, NulBytesAreRefused)
{
	std::string text = "board x\ndevice cam\n  formats NV12\n  role a";
	text += '\0';
	text += "b\n";
	EXPECT_NE(errorOf(text).find("NUL byte"), std::string::npos) << errorOf(text);
}

} /* namespace */
