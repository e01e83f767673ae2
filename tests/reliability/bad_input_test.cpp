/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bad input from outside the library: fds that are not dma-bufs, caps and layouts that
 * don't add up, unknown formats and modifiers, malformed board profiles. Each must be
 * refused with a message that says what and why; none may crash (the host tests also
 * run under AddressSanitizer and UndefinedBehaviorSanitizer).
 */
#include <fcntl.h>
#include <functional>
#include <unistd.h>

#include <drm_fourcc.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <dmabridge/board_profile.h>
#include <dmabridge/dmabuf.h>
#include <dmabridge/layout.h>
#include <dmabridge/plan.h>

#include "../../gst-plugin/common/dmabuf_memory.h"
#include "outcome.h"

using namespace dmabridge;

namespace {

struct BadInput
{
	const char *name;  /* the test's name */
	const char *tried; /* in words, for the report */
	std::function<Status()> attempt;
	const char *expected; /* a part of the error message */
};

template<typename T>
Status statusOf(const Result<T> &result)
{
	return result ? Status() : Status(result.error());
}

/* Caps text to the layout the elements import with, validated. */
Result<Layout> capsToLayout(const char *text)
{
	GstCaps *caps = gst_caps_from_string(text);
	if (!caps)
		return Error(EINVAL, "GStreamer could not parse the caps");
	Result<gst::VideoCaps> video = gst::parseVideoCaps(caps);
	gst_caps_unref(caps);
	if (!video)
		return video.error();
	Result<Layout> layout = gst::layoutOf(nullptr, *video);
	if (layout)
		if (Status valid = layout->validate(); !valid)
			return valid.error();
	return layout;
}

Status capsLayout(const char *text)
{
	return statusOf(capsToLayout(text));
}

Layout xrgb640()
{
	return *computeLayout(DRM_FORMAT_XRGB8888, 640, 480);
}

Layout nv12640()
{
	return *computeLayout(DRM_FORMAT_NV12, 640, 480);
}

Status dmaBufFromPipe()
{
	int fds[2];
	if (::pipe2(fds, O_CLOEXEC) < 0)
		return Error(errno, "pipe2");
	UniqueFd writer(fds[1]);
	return statusOf(DmaBuf::fromFd(UniqueFd(fds[0])));
}

Status dmaBufFromClosedFd()
{
	int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
	::close(raw);
	return statusOf(DmaBuf::fromFd(SharedFd(UniqueFd(raw))));
}

const BadInput kBadInputs[] = {
	{ "PipeAsDmaBuf", "a pipe's fd given as a dma-buf", dmaBufFromPipe, "is not a dma-buf" },
	{ "ClosedFd", "an fd number that was closed", dmaBufFromClosedFd, "EBADF" },
	{ "InvalidFd", "fd -1", [] { return statusOf(DmaBuf::fromFd(UniqueFd())); },
	  "invalid file descriptor" },
	{ "BufferTooSmallForCaps", "640x480 XRGB8888 in a buffer one byte short",
	  [] {
		  uint64_t sizes[] = { 640 * 480 * 4 - 1 };
		  return xrgb640().validate(sizes);
	  },
	  "past the end of its 1228799-byte buffer" },
	{ "HugeCaps", "caps 30000x30000 BGRx (3.6 GB: overflows a 32-bit size)",
	  [] { return capsLayout("video/x-raw,format=BGRx,width=30000,height=30000"); },
	  "is outside 1x1 to 16384x16384" },
	{ "HugeLayout", "a 65536x65536 XRGB8888 layout (16 GiB)",
	  [] { return statusOf(computeLayout(DRM_FORMAT_XRGB8888, 65536, 65536)); },
	  "is outside 1x1 to 16384x16384" },
	{ "ZeroWidth", "a 0x480 layout",
	  [] { return statusOf(computeLayout(DRM_FORMAT_XRGB8888, 0, 480)); }, "is outside 1x1" },
	{ "StrideBelowMinimum", "640x480 XRGB8888 with a stride of 100 bytes",
	  [] {
		  Layout layout = xrgb640();
		  layout.planes[0].stride = 100;
		  return layout.validate();
	  },
	  "stride 100 is below the line length 2560" },
	{ "StrideOverflow", "a stride of 4 GiB - 1 on 16384 lines, in a 1 MiB buffer",
	  [] {
		  Layout layout = xrgb640();
		  layout.planes[0].stride = UINT32_MAX;
		  layout.planes[0].size = uint64_t(UINT32_MAX) * 480;
		  uint64_t sizes[] = { 1 << 20 };
		  return layout.validate(sizes);
	  },
	  "past the end of its 1048576-byte buffer" },
	{ "OffsetPastTheEnd", "NV12's chroma plane offset past the end of the buffer",
	  [] {
		  Layout layout = nv12640();
		  layout.planes[1].offset = layout.bufferSize(0);
		  uint64_t sizes[] = { nv12640().bufferSize(0) };
		  return layout.validate(sizes);
	  },
	  "NV12 plane 1 ends at byte" },
	{ "UnknownFourcc", "fourcc 'ABCD'",
	  [] { return statusOf(computeLayout(fourcc_code('A', 'B', 'C', 'D'), 640, 480)); },
	  "unknown format ABCD" },
	{ "UnknownCapsFormat", "caps format v210 (a GStreamer format without a DRM fourcc)",
	  [] { return capsLayout("video/x-raw,format=v210,width=640,height=480"); },
	  "no DRM format for GStreamer format v210" },
	{ "InvalidModifier", "640x480 XRGB8888 with DRM_FORMAT_MOD_INVALID",
	  [] {
		  Layout layout = xrgb640();
		  layout.modifier = kModifierInvalid;
		  return layout.validate();
	  },
	  "modifier INVALID (0xffffffffffffff) of XRGB8888 describes no layout" },
	{ "PlaneCountMismatch", "NV12 with one plane",
	  [] {
		  Layout layout = nv12640();
		  layout.planeCount = 1;
		  return layout.validate();
	  },
	  "NV12 has 2 planes, the layout 1" },
	{ "PlaneInMissingBuffer", "NV12 whose chroma plane is in a second buffer of one",
	  [] {
		  Layout layout = nv12640();
		  layout.planes[1].buffer = 1;
		  return layout.validate();
	  },
	  "NV12 plane 1 is in buffer 1 of 1" },
	{ "PlanUnknownFormat", "a plan for fourcc 'ABCD'",
	  [] {
		  PlanRequest request;
		  request.fourcc = fourcc_code('A', 'B', 'C', 'D');
		  request.width = 640;
		  request.height = 480;
		  return statusOf(Planner().plan(request));
	  },
	  "cannot plan for unknown format ABCD" },
	{ "ProfileWithoutSource", "a board profile whose constraint cites no source",
	  [] {
		  return statusOf(BoardProfile::parse("board test\ndevice cam\n  contiguous yes\n",
						      "bad.board"));
	  },
	  "bad.board:3" },
	{ "ProfileGarbage", "a board profile of binary garbage",
	  [] {
		  return statusOf(
			  BoardProfile::parse(std::string("\x01\xff\x00zz", 5), "bin.board"));
	  },
	  "bin.board:1" },
};

void PrintTo(const BadInput &input, std::ostream *out)
{
	*out << input.tried;
}

class BadInputs : public ::testing::TestWithParam<BadInput>
{
};

TEST_P(BadInputs, RefusedWithAReason)
{
	const BadInput &input = GetParam();
	Status status = input.attempt();
	ASSERT_FALSE(status.ok()) << input.tried << " was accepted";
	std::string message = status.error().describe();
	EXPECT_NE(message.find(input.expected), std::string::npos) << message;
	test::recordOutcome(input.tried, "refused: " + message);
}

INSTANTIATE_TEST_SUITE_P(Library, BadInputs, ::testing::ValuesIn(kBadInputs),
			 [](const auto &param) { return std::string(param.param.name); });

/* An input at the edge that must be accepted, and the layout it must give. */
struct EdgeInput
{
	const char *name;
	const char *tried;
	std::function<Result<Layout>()> attempt;
	std::vector<PlaneLayout> planes; /* buffer, offset, stride, size: worked out by hand */
};

/*
 * GStreamer's default strides for caps without a GstVideoMeta: lines rounded up to 4
 * bytes, NV12's chroma after the luma rounded up to an even number of lines
 * (video-info.c); the library's own layouts are packed.
 */
const EdgeInput kEdgeInputs[] = {
	{ "OnePixelRgb",
	  "caps 1x1 BGRx",
	  [] { return capsToLayout("video/x-raw,format=BGRx,width=1,height=1"); },
	  { { 0, 0, 4, 4 } } },
	/* Luma: 1 byte, line of 4; chroma: one UV pair (2 bytes), line of 4, after 2 lines. */
	{ "OnePixelNv12",
	  "caps 1x1 NV12 (chroma rounded up)",
	  [] { return capsToLayout("video/x-raw,format=NV12,width=1,height=1"); },
	  { { 0, 0, 4, 4 }, { 0, 8, 4, 4 } } },
	/* 641 rounds up to 644; 479 luma lines, chroma after 480 of them, 240 lines of it. */
	{ "OddNv12",
	  "caps 641x479 NV12",
	  [] { return capsToLayout("video/x-raw,format=NV12,width=641,height=479"); },
	  { { 0, 0, 644, 644 * 479 }, { 0, 644 * 480, 644, 644 * 240 } } },
	/* 16384 x 16384 bytes of luma (256 MiB), then half as much chroma: 384 MiB. */
	{ "LargestNv12Fits",
	  "a 16384x16384 NV12 layout (384 MiB, the largest accepted)",
	  [] { return computeLayout(DRM_FORMAT_NV12, 16384, 16384); },
	  { { 0, 0, 16384, 16384ull * 16384 }, { 0, 16384ull * 16384, 16384, 16384ull * 8192 } } },
};

void PrintTo(const EdgeInput &input, std::ostream *out)
{
	*out << input.tried;
}

class EdgeInputs : public ::testing::TestWithParam<EdgeInput>
{
};

TEST_P(EdgeInputs, AcceptedWithTheLayoutWorkedOutByHand)
{
	const EdgeInput &input = GetParam();
	Result<Layout> layout = input.attempt();
	ASSERT_TRUE(layout.ok()) << layout.error().describe();
	ASSERT_EQ(layout->planeCount, input.planes.size()) << layout->describe();
	std::string planes;
	for (unsigned p = 0; p < layout->planeCount; p++) {
		const PlaneLayout &got = layout->planes[p], &want = input.planes[p];
		EXPECT_EQ(got, want)
			<< "plane " << p << ": buffer " << got.buffer << " offset " << got.offset
			<< " stride " << got.stride << " size " << got.size;
		planes += "; plane " + std::to_string(p) + " at " + std::to_string(got.offset) +
			  ", stride " + std::to_string(got.stride) + ", " +
			  std::to_string(got.size) + " bytes";
	}
	test::recordOutcome(input.tried, "accepted: " + layout->describe() + planes);
}

INSTANTIATE_TEST_SUITE_P(Library, EdgeInputs, ::testing::ValuesIn(kEdgeInputs),
			 [](const auto &param) { return std::string(param.param.name); });

} /* namespace */
