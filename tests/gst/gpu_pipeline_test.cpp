/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pipeline 4: a camera through a GPU converter (YUV in, RGB out) into the display.
 * What memory the GPU can use is probed. Mesa 22.3's software driver (Debian 12) can only
 * use buffers of its own DRM device, so vivid-000 is planned to capture straight into
 * them: zero copies end to end; vivid-001 needs contiguous memory the GPU can't use: the
 * plan says so and the converter stages each frame with one counted copy. Mesa 25's
 * (Debian 13) uses any: both cameras capture into a heap the GPU samples, zero copies.
 * The same through dmabridgevkconvert (Vulkan), which Debian 12's lavapipe can't run: it
 * lacks VK_EXT_external_memory_dma_buf, and the error says so. Each frame goes to the
 * display with the sync_file its rendering ends with. The display's writeback must equal
 * the GPU's last frame.
 */
#include <algorithm>
#include <atomic>
#include <chrono>
#include <gtest/gtest.h>
#include <thread>

#include <gst/video/video.h>

#include <dmabridge/dmabuf.h>
#include <dmabridge/v4l2.h>

#include "../../tools/common/pipeline_run.h"
#include "../device/board.h"
#include "shown.h"

using namespace dmabridge;
using tools::PipelineRun;

namespace {

constexpr unsigned kFrames = 10;

struct Case
{
	const char *camera;
	const char *format;
	const char *converter; /* dmabridgeglconvert or dmabridgevkconvert */
};

bool isVulkan(const Case &c)
{
	return std::string(c.converter) == "dmabridgevkconvert";
}

class CameraThroughGpu : public ::testing::TestWithParam<Case>
{
};

/* Debian 12: Mesa 22.3's GL uses its own device's memory only; its Vulkan none. */
void expectMesa22(const Case &c, const PipelineRun &run)
{
	if (isVulkan(c)) {
		test::expectVulkanImportMissing(run.finished, run.error);
		return;
	}
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &src = run.stats.at("src"), &gpu = run.stats.at("gpu");
	if (std::string(c.camera) == "vivid-000") {
		EXPECT_NE(src.explanation.find(test::gpuMemorySentence()), std::string::npos)
			<< src.explanation;
		EXPECT_EQ(gpu["copies"], 0u) << gpu.explanation;
		EXPECT_EQ(gpu["sync-calls"], 0u);
		return;
	}
	EXPECT_NE(src.explanation.find("No zero-copy plan: vivid-001 needs physically contiguous "
				       "memory"),
		  std::string::npos)
		<< src.explanation;
	EXPECT_EQ(gpu["copies"], kFrames);
	EXPECT_EQ(gpu["sync-calls"], 4u * kFrames) << "read and write scopes around each copy";
	EXPECT_EQ(gpu["cpu-accesses"], 2u * kFrames) << "a read and a write for each copy";
	EXPECT_NE(gpu.explanation.find("one copy a frame to stage the input"), std::string::npos)
		<< gpu.explanation;
}

/* Debian 13: Mesa 25's drivers use any memory: each camera captures into what they read. */
void expectMesa25(const Case &c, const PipelineRun &run)
{
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &src = run.stats.at("src"), &gpu = run.stats.at("gpu");
	EXPECT_NE(gpu.explanation.find(isVulkan(c) ? "VK_KHR_external_semaphore_fd"
						   : "EGL_ANDROID_native_fence_sync"),
		  std::string::npos)
		<< gpu.explanation;
	EXPECT_EQ(gpu["copies"], 0u) << gpu.explanation;
	EXPECT_EQ(gpu["sync-calls"], 0u);
	EXPECT_EQ(src["copies"], 0u) << src.explanation;
	bool contiguous = std::string(c.camera) == "vivid-001";
	EXPECT_NE(src.explanation.find(contiguous ? "Buffers come from the contiguous heap"
						  : "Buffers come from the scatter-gather heap"),
		  std::string::npos)
		<< src.explanation;
	EXPECT_NE(src.explanation.find(test::gpuMemorySentence()), std::string::npos)
		<< src.explanation;
}

TEST_P(CameraThroughGpu, ToTheDisplay)
{
	const Case &c = GetParam();
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName(c.camera).ok(), c.camera);
	PipelineRun run = tools::runPipeline(
		std::string("dmabridgev4l2src name=src device-name=") + c.camera +
		" num-buffers=" + std::to_string(kFrames) + " ! video/x-raw,format=" + c.format +
		",width=640,height=480 ! " + c.converter +
		" name=gpu ! video/x-raw,format=BGRx ! "
		"dmabridgekmssink name=sink driver-name=vkms readback=true sync=false");
	if (test::mesaImportsAnyDmaBuf())
		expectMesa25(c, run);
	else
		expectMesa22(c, run);
	if (!run.finished)
		return;
	const tools::Stats &gpu = run.stats.at("gpu"), &sink = run.stats.at("sink");
	EXPECT_EQ(gpu["frames"], kFrames);
	EXPECT_EQ(sink["frames"], kFrames);
	EXPECT_EQ(sink["copies"], 0u) << sink.explanation;
	test::expectShownRight(sink);
	/* Imports: one per sampled plane of each input buffer (NV12: two), one per output
	 * buffer; per frame that would be 30 for 10 frames. */
	EXPECT_LE(gpu["imports"], 4u * 2 + 4) << "one GPU import per buffer, not per frame";
	/* Every frame reached the display with its fence, as the plane's IN_FENCE_FD. */
	EXPECT_EQ(gpu["fences"], kFrames);
	EXPECT_EQ(sink["fences"], kFrames);
	EXPECT_EQ(sink["flips"], kFrames) << "a page flip for each frame";
	EXPECT_NE(gpu.explanation.find("Downstream waits on sync_files"), std::string::npos)
		<< gpu.explanation;
}

INSTANTIATE_TEST_SUITE_P(Board, CameraThroughGpu,
			 ::testing::Values(Case{ "vivid-000", "NV12", "dmabridgeglconvert" },
					   Case{ "vivid-000", "YUY2", "dmabridgeglconvert" },
					   Case{ "vivid-001", "NV12", "dmabridgeglconvert" },
					   Case{ "vivid-001", "YUY2", "dmabridgeglconvert" },
					   Case{ "vivid-000", "NV12", "dmabridgevkconvert" },
					   Case{ "vivid-000", "YUY2", "dmabridgevkconvert" },
					   Case{ "vivid-001", "NV12", "dmabridgevkconvert" },
					   Case{ "vivid-001", "YUY2", "dmabridgevkconvert" }),
			 [](const auto &param) {
				 return std::string(isVulkan(param.param) ? "Vulkan_" : "Gles_") +
					test::testName(param.param.camera) + "_" +
					param.param.format;
			 });

/*
 * Pipeline 5 with YUV: the CPU draws NV12 into GPU memory, the GPU makes RGB; also at
 * 1366x768, whose lines (1366 luma bytes, 5464 RGB bytes) fit no power-of-two alignment.
 */
class TestSrcThroughGpu : public ::testing::TestWithParam<const char *>
{
};

TEST_P(TestSrcThroughGpu, Nv12PatternReachesTheDisplay)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "the virtual board");
	PipelineRun run = tools::runPipeline(
		std::string("dmabridgetestsrc name=src num-buffers=10 ! video/x-raw,format=NV12,") +
		GetParam() +
		" ! dmabridgeglconvert name=gl ! video/x-raw,format=BGRx ! dmabridgekmssink "
		"name=sink "
		"driver-name=vkms readback=true sync=false");
	ASSERT_TRUE(run.finished) << run.error;
	EXPECT_EQ(run.stats.at("gl")["copies"], 0u) << run.stats.at("gl").explanation;
	EXPECT_EQ(run.stats.at("sink")["frames"], 10u);
	test::expectShownRight(run.stats.at("sink"), 8); /* eight bars and the box */
}

INSTANTIATE_TEST_SUITE_P(Sizes, TestSrcThroughGpu,
			 ::testing::Values("width=640,height=480", "width=1366,height=768"),
			 [](const auto &param) {
				 return std::string(param.param).find("1366") != std::string::npos
						? "1366x768"
						: "640x480";
			 });

/*
 * Pipeline 7: the camera into upstream GL elements, as the issue writes it and with
 * system-memory caps before glupload. glupload imports dma-bufs without describing its
 * GPU. The source finds it through glupload's GL context, plans for what its driver was
 * probed to use and reads a buffer of that plan back through GStreamer GL: only when
 * every byte comes back do frames go to it as dma-bufs (0 copies). Else it offers system
 * memory and copies each frame once, saying why: in both boards GStreamer GL runs on GBM
 * over vgem, whose driver uses only vgem's own buffers, and reads those back wrong. What
 * comes out of gldownload must be vivid's colour bars either way: white first, black last
 * (read on the bottom line, below vivid's text).
 */
struct Bars
{
	unsigned frames = 0;
	int first = -1, last = -1; /* brightness 0-255 of the first and last bar */
};

int brightness(const GstVideoFrame &frame, int x, int y)
{
	const GstVideoFormatInfo *format = frame.info.finfo;
	auto component = [&](int c) {
		const uint8_t *line =
			static_cast<const uint8_t *>(GST_VIDEO_FRAME_COMP_DATA(&frame, c)) +
			GST_VIDEO_FRAME_COMP_STRIDE(&frame, c) *
				GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT(format, c, y);
		return int(line[GST_VIDEO_FRAME_COMP_PSTRIDE(&frame, c) *
				GST_VIDEO_FORMAT_INFO_SCALE_WIDTH(format, c, x)]);
	};
	if (GST_VIDEO_FORMAT_INFO_IS_RGB(format))
		return (component(0) + component(1) + component(2)) / 3;
	return component(0);
}

void readBars(GstElement *, GstBuffer *buffer, GstPad *pad, gpointer data)
{
	Bars &bars = *static_cast<Bars *>(data);
	GstCaps *caps = gst_pad_get_current_caps(pad);
	GstVideoInfo info;
	bool ok = caps && gst_video_info_from_caps(&info, caps);
	if (caps)
		gst_caps_unref(caps);
	GstVideoFrame frame;
	if (!ok || !gst_video_frame_map(&frame, &info, buffer, GST_MAP_READ))
		return;
	int width = GST_VIDEO_INFO_WIDTH(&info), bottom = GST_VIDEO_INFO_HEIGHT(&info) - 1;
	bars.first = brightness(frame, width / 16, bottom);
	bars.last = brightness(frame, width * 15 / 16, bottom);
	bars.frames++;
	gst_video_frame_unmap(&frame);
}

class IntoUpstreamGl : public ::testing::TestWithParam<const char *>
{
};

TEST_P(IntoUpstreamGl, CameraFramesArriveWithTheirPixels)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	Bars bars;
	PipelineRun run = tools::runPipeline(
		std::string("dmabridgev4l2src name=src device-name=vivid-000 num-buffers=10 ! ") +
			GetParam() +
			"glupload ! glcolorconvert ! gldownload ! fakesink name=out "
			"signal-handoffs=true sync=false",
		120, [&](GstElement *pipeline) {
			GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
			g_signal_connect(sink, "handoff", G_CALLBACK(readBars), &bars);
			gst_object_unref(sink);
		});
	ASSERT_TRUE(run.finished) << run.error;
	ASSERT_GT(bars.frames, 0u) << "no frame came out of the GL elements";
	EXPECT_GT(bars.first, 150) << "the first bar is not white";
	EXPECT_LT(bars.last, 40) << "the last bar is not black";

	const tools::Stats &src = run.stats.at("src");
	EXPECT_EQ(src["frames"], 10u);
	bool asWritten = std::string(GetParam()).empty();
	if (asWritten && src["copies"] == 0u) {
		EXPECT_NE(src.explanation.find("planned for its GPU, found through its GL context"),
			  std::string::npos)
			<< src.explanation;
		return;
	}
	EXPECT_EQ(src["copies"], src["frames"]) << "one copy a frame into system memory";
	EXPECT_NE(src.explanation.find("downstream is a GStreamer GL element"), std::string::npos)
		<< src.explanation;
	if (asWritten) {
		EXPECT_NE(src.explanation.find("(its GPU: "), std::string::npos)
			<< "the copy says what was found of GStreamer GL's GPU: "
			<< src.explanation;
	}
}

INSTANTIATE_TEST_SUITE_P(Board, IntoUpstreamGl,
			 ::testing::Values("", "video/x-raw,format=BGRx,width=640,height=480 ! "),
			 [](const auto &param) {
				 return std::string(param.param).empty() ? "AsWritten"
									 : "WithSystemMemoryCaps";
			 });

/* Sets the caps of the capsfilter cf and waits for 3 frames of that width at element. */
bool renegotiate(GstElement *pipeline, const std::atomic<uint64_t> &frames, int width)
{
	GstElement *cf = gst_bin_get_by_name(GST_BIN(pipeline), "cf");
	GstCaps *caps = gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "BGRx", "width",
					    G_TYPE_INT, width, "height", G_TYPE_INT, width * 3 / 4,
					    nullptr);
	g_object_set(cf, "caps", caps, nullptr);
	gst_caps_unref(caps);
	GstPad *pad = gst_element_get_static_pad(cf, "src");
	bool done = false;
	uint64_t seen = 0;
	/* A bound on the wait, not a measure: the emulated board is slow and varies. */
	for (int i = 0; i < 1200 && !done; i++) {
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
		GstCaps *current = gst_pad_get_current_caps(pad);
		gint got = 0;
		if (current)
			gst_structure_get_int(gst_caps_get_structure(current, 0), "width", &got);
		if (current)
			gst_caps_unref(current);
		if (got != width)
			continue;
		seen = seen ? seen : frames.load();
		done = frames >= seen + 3;
	}
	gst_object_unref(pad);
	gst_object_unref(cf);
	return done;
}

/*
 * The converter's EGL images of buffers that went (the input and output pools a
 * renegotiation replaces) are released: after 20 renegotiations as many are alive as
 * after 2, no more than one per sampled plane of each input buffer and one per output.
 */
TEST(GlConvertLifetimes, TwentyRenegotiationsKeepTheImageCountFlat)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "the virtual board");
	GstElement *pipeline = gst_parse_launch(
		"dmabridgetestsrc ! capsfilter name=cf caps=video/x-raw,format=BGRx,width=320,"
		"height=240 ! dmabridgeglconvert name=gl ! video/x-raw,format=BGRx,width=160,"
		"height=120 ! fakesink name=out sync=false",
		nullptr);
	ASSERT_NE(pipeline, nullptr);
	const std::atomic<uint64_t> &frames = tools::countBuffers(pipeline, "out");
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	/* Started first: the converter's start may run the GPU memory probe (seconds in the
	 * emulated board when nothing cached it), which is not what the rounds wait for. */
	ASSERT_EQ(gst_element_get_state(pipeline, nullptr, nullptr, 180 * GST_SECOND),
		  GST_STATE_CHANGE_SUCCESS);
	std::vector<uint64_t> alive;
	bool negotiated = true;
	for (int round = 1; round <= 20 && negotiated; round++) {
		negotiated = renegotiate(pipeline, frames, round % 2 ? 480 : 320);
		alive.push_back(counters().eglImages);
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(pipeline);
	ASSERT_TRUE(negotiated) << "renegotiation " << alive.size() << " brought no frames";
	std::string counts;
	for (uint64_t count : alive)
		counts += std::to_string(count) + " ";
	/* Sampled while frames flow, a count moves by the one or two buffers in flight; one
	 * that leaks grows by a pool's worth each round. */
	uint64_t early = *std::max_element(alive.begin(), alive.begin() + 4);
	EXPECT_LE(alive.back(), early + 2)
		<< "EGL images alive after each renegotiation: " << counts;
	EXPECT_LE(alive.back(), 16u) << counts;
	EXPECT_EQ(counters().eglImages, 0u) << "EGL images left after NULL";
}

} /* namespace */
