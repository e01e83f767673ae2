/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Errors a user can act on. A pipeline that fails says why in the first error it posts,
 * in dmabridge's words: the device, the frame and the reason, never only GStreamer's
 * "Internal data stream error"; and a device that can't be opened is one error, not that
 * error followed by GStreamer's "state change failed and some element failed to post a
 * proper error message".
 */
#include <gtest/gtest.h>

#include <dmabridge/drm.h>

#include "../../tools/common/pipeline_run.h"
#include "../device/board.h"

using namespace dmabridge;
using tools::PipelineRun;

namespace {

std::string allErrors(const PipelineRun &run)
{
	std::string text;
	for (const std::string &error : run.errors)
		text += "\n  " + error;
	return text;
}

class MissingDevice : public ::testing::TestWithParam<const char *>
{
};

/* Nothing on this machine or in the board is called this: the open fails everywhere. */
TEST_P(MissingDevice, OneErrorNamingIt)
{
	PipelineRun run = tools::runPipeline(GetParam(), 60);
	ASSERT_FALSE(run.finished);
	ASSERT_FALSE(run.errors.empty());
	EXPECT_NE(run.error.find("no-such-"), std::string::npos) << run.error;
	EXPECT_EQ(run.errors.size(), 1u) << "one failure, one error:" << allErrors(run);
	for (const std::string &error : run.errors)
		EXPECT_EQ(error.find("failed to post a proper error message"), std::string::npos)
			<< error;
}

INSTANTIATE_TEST_SUITE_P(
	Elements, MissingDevice,
	::testing::Values(
		"dmabridgev4l2src device-name=no-such-camera ! fakesink",
		"videotestsrc num-buffers=1 ! dmabridgekmssink driver-name=no-such-driver"),
	[](const auto &param) {
		return std::string(param.param).find("v4l2src") != std::string::npos ? "camera"
										     : "display";
	});

struct Refusal
{
	const char *name;
	const char *caps;
	const char *frame; /* what the error must name */
	const char *why;   /* and why */
};

class RefusedCaps : public ::testing::TestWithParam<Refusal>
{
};

/*
 * Caps the display can't show, forced upstream of the sink: the first error is the
 * sink's, naming the device, the frame and why, not upstream's "not-negotiated".
 */
TEST_P(RefusedCaps, TheSinkSaysWhy)
{
	DMABRIDGE_REQUIRE_DEVICE(DrmDevice::openByDriver("vkms").ok(), "vkms");
	const Refusal &refusal = GetParam();
	PipelineRun run =
		tools::runPipeline(std::string("videotestsrc num-buffers=2 ! ") + refusal.caps +
					   " ! dmabridgekmssink name=sink driver-name=vkms",
				   60);
	ASSERT_FALSE(run.finished);
	ASSERT_FALSE(run.errors.empty());
	const std::string &first = run.errors.front();
	EXPECT_EQ(first.rfind("sink: ", 0), 0u) << "the sink speaks first:" << allErrors(run);
	EXPECT_NE(first.find("vkms"), std::string::npos) << first;
	EXPECT_NE(first.find(refusal.frame), std::string::npos) << first;
	EXPECT_NE(first.find(refusal.why), std::string::npos) << first;
	EXPECT_EQ(first.find("Internal data stream error"), std::string::npos) << first;
}

INSTANTIATE_TEST_SUITE_P(
	Vkms, RefusedCaps,
	::testing::Values(Refusal{ "format", "video/x-raw,format=NV12,width=640,height=480",
				   "640x480 NV12", "no NV12" },
			  Refusal{ "size", "video/x-raw,format=BGRx,width=9000,height=64",
				   "9000x64 XRGB8888", "the largest framebuffer it takes is" }),
	[](const auto &param) { return std::string(param.param.name); });

} /* namespace */
