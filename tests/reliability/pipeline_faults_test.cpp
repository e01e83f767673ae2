/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Faults while pipelines run on the virtual board, injected through vivid's own controls
 * (drivers/media/test-drivers/vivid/vivid-ctrls.c) and a display that can't use a buffer:
 * the device disconnected mid-stream, the kernel refusing the planned buffers once and
 * twice, a frame the driver marked as bad, and vkms refusing to scan out a dma-buf.
 */
#include <atomic>
#include <chrono>
#include <thread>

#include <drm_fourcc.h>
#include <gst/allocators/allocators.h>
#include <gst/video/video.h>

#include <dmabridge/udmabuf.h>
#include <dmabridge/v4l2.h>

#include "../../gst-plugin/common/caps_dialect.h"
#include "../../tools/common/pipeline_run.h"
#include "../device/board.h"
#include "../device/capture.h"
#include "../gst/shown.h"
#include "outcome.h"

using namespace dmabridge;
using namespace std::chrono_literals;
using tools::PipelineRun;
using tools::runPipeline;

namespace {

/* vivid's private controls (VIVID_CID_VIVID_BASE + n). */
constexpr uint32_t kVividBase = 0x00f00000 | 0xf000;
constexpr uint32_t kDisconnect = kVividBase + 65;
constexpr uint32_t kDqbufError = kVividBase + 66;
constexpr uint32_t kReqbufsError = kVividBase + 67;
constexpr uint32_t kQbufError = kVividBase + 68;

/* Presses vivid's button controls, in order, from an fd of the test's own. */
Status press(const std::string &device, std::initializer_list<uint32_t> controls)
{
	Result<V4l2Device> vivid = V4l2Device::openByName(device);
	if (!vivid)
		return vivid.error();
	for (uint32_t control : controls)
		if (Status set = vivid->setControl(control, 1); !set)
			return set;
	return {};
}

const char *kSink = "dmabridgekmssink name=sink driver-name=vkms readback=true sync=false";

std::string vividPipeline(const std::string &device, int frames)
{
	return "dmabridgev4l2src name=src device-name=" + device +
	       (frames > 0 ? " num-buffers=" + std::to_string(frames) : std::string()) +
	       " ! video/x-raw(memory:DMABuf),width=640,height=480 ! " + kSink;
}

TEST(PipelineFaults, DisconnectedWhileStreamingEndsInAnErrorAndNull)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	size_t fds = test::openFdCount();
	unsigned shown = 0;
	Status pressed;
	auto start = std::chrono::steady_clock::now();
	auto disconnectedAt = start;
	PipelineRun run =
		runPipeline(vividPipeline("vivid-000", -1), 60, [&](GstElement *pipeline) {
			const std::atomic<uint64_t> &count = tools::countBuffers(pipeline, "sink");
			for (int i = 0; i < 300 && count < 5; i++)
				std::this_thread::sleep_for(100ms);
			shown = unsigned(count);
			disconnectedAt = std::chrono::steady_clock::now();
			pressed = press("vivid-000", { kDisconnect });
		});
	auto seconds =
		std::chrono::duration<double>(std::chrono::steady_clock::now() - disconnectedAt)
			.count();
	ASSERT_TRUE(pressed.ok()) << pressed.error().describe();
	EXPECT_GE(shown, 5u);
	EXPECT_FALSE(run.finished);
	EXPECT_EQ(run.error.rfind("src: ", 0), 0u) << run.error;
	EXPECT_NE(run.error.find("vivid-000 (/dev/video"), std::string::npos) << run.error;
	EXPECT_NE(run.error.find("the device was disconnected"), std::string::npos) << run.error;
	EXPECT_EQ(run.error.find("timed out"), std::string::npos) << run.error;
	EXPECT_EQ(test::openFdCount(), fds) << "fds left open after NULL";
	/* vivid re-registers the device once its last user closed it: proof all are closed. */
	Result<V4l2Device> back = V4l2Device::openByName("vivid-000");
	EXPECT_TRUE(back.ok()) << "vivid-000 did not come back: " << back.error().describe();
	char figure[64];
	snprintf(figure, sizeof(figure), "%.1f s", seconds);
	test::recordOutcome("vivid-000 disconnected (vivid's Disconnect control) after " +
				    std::to_string(shown) + " frames shown",
			    "error posted and NULL reached " + std::string(figure) +
				    " after the disconnect: " + run.error.substr(0, 200) +
				    "; no fd left open, the device came back");
}

TEST(PipelineFaults, BuffersRefusedOnceAreRePlannedOnce)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	ASSERT_TRUE(press("vivid-000", { kQbufError }).ok());
	PipelineRun run = runPipeline(vividPipeline("vivid-000", 10), 120);
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &src = run.stats.at("src"), &sink = run.stats.at("sink");
	EXPECT_EQ(sink["frames"], 10u);
	test::expectShownRight(sink);
	EXPECT_EQ(src["copies"], 0u);
	EXPECT_NE(src.explanation.find("the kernel refused the planned buffers"), std::string::npos)
		<< src.explanation;
	EXPECT_NE(src.explanation.find("VIDIOC_QBUF"), std::string::npos) << src.explanation;
	test::recordOutcome("vivid-000 refuses the first planned buffer at QBUF (vivid's "
			    "'Inject VIDIOC_QBUF Error')",
			    "re-planned once and ran: 10 frames shown, 0 copies; the element "
			    "says: " +
				    src.explanation.substr(0, src.explanation.find(". ") + 1));
}

TEST(PipelineFaults, RefusedTwiceIsAnErrorWithBothReasons)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	size_t fds = test::openFdCount();
	/* REQBUFS fails on the first plan, QBUF on the second. */
	ASSERT_TRUE(press("vivid-000", { kReqbufsError, kQbufError }).ok());
	PipelineRun run = runPipeline(vividPipeline("vivid-000", 10), 120);
	EXPECT_FALSE(run.finished);
	EXPECT_NE(run.error.find("VIDIOC_REQBUFS"), std::string::npos) << run.error;
	EXPECT_NE(run.error.find("then, re-planned"), std::string::npos) << run.error;
	EXPECT_NE(run.error.find("VIDIOC_QBUF"), std::string::npos) << run.error;
	EXPECT_EQ(test::openFdCount(), fds);
	test::recordOutcome("vivid-000 refuses the plan's buffers twice (REQBUFS, then QBUF "
			    "after the re-plan)",
			    "error with both reasons: " + run.error.substr(0, 400));
}

TEST(PipelineFaults, FrameMarkedBadIsNotShown)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	/* The next frame vivid completes carries V4L2_BUF_FLAG_ERROR. */
	ASSERT_TRUE(press("vivid-000", { kDqbufError }).ok());
	PipelineRun run = runPipeline(vividPipeline("vivid-000", 10), 120);
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &sink = run.stats.at("sink");
	EXPECT_EQ(sink["dropped"], 1u);
	EXPECT_EQ(sink["frames"], 9u);
	test::expectShownRight(sink);
	test::recordOutcome("vivid-000 marks a frame V4L2_BUF_FLAG_ERROR (vivid's 'Inject "
			    "V4L2_BUF_FLAG_ERROR')",
			    "the sink dropped it (dropped=" + std::to_string(sink["dropped"]) +
				    "), showed the other " + std::to_string(sink["frames"]) +
				    ", and the screen matches the last one shown");
}

/* GstBuffers of udmabuf memory, which vkms can't map to compose before Linux 6.2. */
void pushUdmabufFrames(GstElement *pipeline, unsigned count, std::string &failure)
{
	GstAllocator *allocator = gst_dmabuf_allocator_new();
	Layout layout = *computeLayout(DRM_FORMAT_XRGB8888, 640, 480);
	tools::feedAppsrc(pipeline, "in", count, [&](unsigned i) -> GstBuffer * {
		Result<DmaBuf> buffer = allocateUdmabuf(layout.bufferSize(0), "refused-frame");
		if (!buffer) {
			failure = buffer.error().describe();
			return nullptr;
		}
		{
			CpuAccess write(*buffer, CpuAccessMode::Write);
			for (size_t p = 0; p < write.write().size(); p++)
				write.write()[p] = uint8_t(p / 4 * (i + 1) + p % 4 * 64);
		}
		GstBuffer *frame = gst_buffer_new();
		gst_buffer_append_memory(
			frame, gst_dmabuf_allocator_alloc(allocator, ::dup(buffer->fd().get()),
							  buffer->size()));
		return frame;
	});
	gst_object_unref(allocator);
}

/*
 * vkms refuses udmabuf frames where udmabuf has no kernel mapping (Linux 6.1): the sink
 * falls back to one copy a frame, with the reason. Where udmabuf maps (Linux 6.12) there
 * is no refusal to inject this way: the same frames are shown as they are.
 */
TEST(PipelineFaults, DisplayRefusingUdmabufFramesFallsBackToOneCopy)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "the virtual board");
	constexpr unsigned kFrames = 6;
	std::string failure;
	PipelineRun run = runPipeline(
		"appsrc name=in format=time caps=" +
			gst::dmaBufCapsText(DRM_FORMAT_XRGB8888,
					    ",width=640,height=480,framerate=30/1") +
			" ! " + kSink,
		120, [&](GstElement *pipeline) { pushUdmabufFrames(pipeline, kFrames, failure); });
	ASSERT_TRUE(failure.empty()) << failure;
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &sink = run.stats.at("sink");
	EXPECT_EQ(sink["frames"], kFrames);
	test::expectShownRight(sink);
	if (test::udmabufHasVmap()) {
		EXPECT_EQ(sink["copies"], 0u) << sink.explanation;
		test::recordOutcome("udmabuf frames into vkms on Linux " +
					    std::to_string(test::kernelRelease() / 100) + "." +
					    std::to_string(test::kernelRelease() % 100) +
					    ", whose udmabuf maps (no refusal to inject)",
				    "shown as they are, 0 copies; the sink says: " +
					    sink.explanation);
		return;
	}
	EXPECT_EQ(sink["copies"], kFrames);
	EXPECT_NE(sink.explanation.find("the display refused the upstream dma-buf"),
		  std::string::npos)
		<< sink.explanation;
	test::recordOutcome("vkms refuses the atomic commit of udmabuf frames (it can't vmap "
			    "them)",
			    "fell back to one copy a frame into the display's own buffers; " +
				    std::to_string(sink["frames"]) +
				    " frames shown right; the sink says: " + sink.explanation);
}

} /* namespace */
