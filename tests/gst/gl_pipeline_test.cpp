/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pipeline 4: a camera through the GPU converter (YUV in, RGB out) into the display.
 * Mesa's software GL driver can only use buffers of its own DRM device, so vivid-000 is
 * planned to capture straight into them: zero copies end to end. vivid-001 needs
 * contiguous memory the GPU can't use: the plan says so and the converter stages each
 * frame with one counted copy. The display's writeback must equal the GPU's last frame.
 */
#include <gtest/gtest.h>

#include <dmabridge/v4l2.h>

#include "../../tools/common/pipeline_run.h"
#include "../device/board.h"

using namespace dmabridge;
using tools::PipelineRun;

namespace {

constexpr unsigned kFrames = 10;

struct Case
{
	const char *camera;
	const char *format;
};

class CameraThroughGpu : public ::testing::TestWithParam<Case>
{
};

TEST_P(CameraThroughGpu, ToTheDisplay)
{
	const Case &c = GetParam();
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName(c.camera).ok(), c.camera);
	PipelineRun run = tools::runPipeline(
		std::string("dmabridgev4l2src name=src device-name=") + c.camera +
		" num-buffers=" + std::to_string(kFrames) + " ! video/x-raw,format=" + c.format +
		",width=640,height=480 ! dmabridgeglconvert name=gl ! video/x-raw,format=BGRx ! "
		"dmabridgekmssink name=sink driver-name=vkms readback=true sync=false");
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &src = run.stats.at("src"), &gl = run.stats.at("gl"),
			   &sink = run.stats.at("sink");
	EXPECT_EQ(gl["frames"], kFrames);
	EXPECT_EQ(sink["frames"], kFrames);
	EXPECT_EQ(sink["copies"], 0u) << sink.explanation;
	EXPECT_EQ(sink["readback-differing-pixels"], 0u) << "the display showed other pixels";
	EXPECT_GT(sink["readback-colours"], 4u) << "the GPU rendered a blank frame";
	/* EGL images: one per sampled plane of each input buffer (NV12: two), one per output
	 * buffer; per frame that would be 30 for 10 frames. */
	EXPECT_LE(gl["imports"], 4u * 2 + 4) << "one EGL import per buffer, not per frame";

	if (std::string(c.camera) == "vivid-000") {
		EXPECT_NE(src.explanation.find(
				  "llvmpipe can only use buffers allocated by /dev/dri/"),
			  std::string::npos)
			<< src.explanation;
		EXPECT_EQ(gl["copies"], 0u) << gl.explanation;
		EXPECT_EQ(gl["sync-calls"], 0u);
	} else {
		EXPECT_NE(src.explanation.find(
				  "No zero-copy plan: vivid-001 needs physically contiguous "
				  "memory"),
			  std::string::npos)
			<< src.explanation;
		EXPECT_EQ(gl["copies"], kFrames);
		EXPECT_EQ(gl["sync-calls"], 4u * kFrames)
			<< "read and write scopes around each copy";
		EXPECT_NE(gl.explanation.find("one copy a frame to stage the input"),
			  std::string::npos)
			<< gl.explanation;
	}
}

INSTANTIATE_TEST_SUITE_P(Board, CameraThroughGpu,
			 ::testing::Values(Case{ "vivid-000", "NV12" }, Case{ "vivid-000", "YUY2" },
					   Case{ "vivid-001", "NV12" },
					   Case{ "vivid-001", "YUY2" }),
			 [](const auto &param) {
				 return test::testName(param.param.camera) + "_" +
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
	EXPECT_EQ(run.stats.at("sink")["readback-differing-pixels"], 0u);
	EXPECT_GE(run.stats.at("sink")["readback-colours"], 8u) << "eight bars and the box";
}

INSTANTIATE_TEST_SUITE_P(Sizes, TestSrcThroughGpu,
			 ::testing::Values("width=640,height=480", "width=1366,height=768"),
			 [](const auto &param) {
				 return std::string(param.param).find("1366") != std::string::npos
						? "1366x768"
						: "640x480";
			 });

/*
 * Pipeline 7: the camera into upstream GL elements, with system-memory caps before them.
 * glupload imports dma-bufs without describing its GPU, and Mesa's software driver reads
 * zeros from them, so the source copies each frame once into system memory for it, with
 * the reason; what comes out of gldownload is vivid's colour bars.
 */
TEST(IntoUpstreamGl, CameraFramesArriveWithTheirPixels)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	GstElement *pipeline = gst_parse_launch(
		"dmabridgev4l2src name=src device-name=vivid-000 num-buffers=5 ! "
		"video/x-raw,format=BGRx,width=640,height=480 ! glupload ! glcolorconvert ! "
		"gldownload ! video/x-raw,format=BGRx ! appsink name=out",
		nullptr);
	ASSERT_NE(pipeline, nullptr);
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstSample *sample = nullptr;
	g_signal_emit_by_name(sink, "try-pull-sample", GstClockTime(60 * GST_SECOND), &sample);
	ASSERT_NE(sample, nullptr) << "no frame came out of the GL elements";
	GstMapInfo map;
	GstBuffer *buffer = gst_sample_get_buffer(sample);
	ASSERT_TRUE(gst_buffer_map(buffer, &map, GST_MAP_READ));
	/* vivid's eight bars: white first, black last. */
	int width = 0;
	gst_structure_get_int(gst_caps_get_structure(gst_sample_get_caps(sample), 0), "width",
			      &width);
	ASSERT_GT(width, 0);
	const uint8_t *first = map.data + 4 * (width / 16),
		      *last = map.data + 4 * (width * 15 / 16);
	EXPECT_GT(first[0] + first[1] + first[2], 3 * 150) << "the first bar is not white";
	EXPECT_EQ(last[0] + last[1] + last[2], 0) << "the last bar is not black";
	gst_buffer_unmap(buffer, &map);
	gst_sample_unref(sample);
	gst_object_unref(sink);

	/* Its stats, posted on the way to NULL. */
	GstBus *bus = gst_element_get_bus(pipeline);
	gst_element_set_state(pipeline, GST_STATE_READY);
	gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND);
	std::string explanation;
	guint64 copies = 0, frames = 0;
	while (GstMessage *message = gst_bus_pop(bus)) {
		const GstStructure *s = gst_message_get_structure(message);
		if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ELEMENT && s &&
		    gst_structure_has_name(s, "dmabridge-stats")) {
			explanation = gst_structure_get_string(s, "explanation");
			gst_structure_get_uint64(s, "copies", &copies);
			gst_structure_get_uint64(s, "frames", &frames);
		}
		gst_message_unref(message);
	}
	gst_object_unref(bus);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(pipeline);
	EXPECT_NE(explanation.find("downstream is a GStreamer GL element"), std::string::npos)
		<< explanation;
	EXPECT_EQ(copies, frames) << "one copy a frame into system memory";
	EXPECT_GT(frames, 0u);
}

} /* namespace */
