/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pipelines into dmabridgekmssink on the virtual board. Each checks what reached the
 * display (writeback read back and compared with the last frame shown) and the counters
 * of dmabridge-stats: zero copies where zero-copy is possible, one import per buffer.
 */
#include <atomic>
#include <gtest/gtest.h>
#include <memory>
#include <set>

#include <dmabridge/drm.h>
#include <dmabridge/v4l2.h>

#include "../../tools/common/pipeline_run.h"
#include "../device/board.h"
#include "../device/capture.h"
#include "pipeline_checks.h"
#include "shown.h"

using namespace dmabridge;
using test::expectDisplayed;
using test::expectZeroCopy;
using test::kSink;
using tools::PipelineRun;
using tools::runPipeline;

namespace {

constexpr int kFrames = 30;

/* The /dev/videoN of a V4L2 device by name, for upstream elements that take a path. */
std::string videoNode(const std::string &name)
{
	Result<V4l2Device> device = V4l2Device::openByName(name);
	return device ? device->path() : std::string();
}

class VividToKms : public ::testing::TestWithParam<const char *>
{
};

/* Pipelines 1 and 2: vivid-000 (scatter-gather) and vivid-001 (contiguous) into vkms. */
TEST_P(VividToKms, ZeroCopyWithTheRightPixels)
{
	const std::string name = GetParam();
	DMABRIDGE_REQUIRE_DEVICE(!videoNode(name).empty(), name);
	PipelineRun run =
		runPipeline("dmabridgev4l2src name=src device-name=" + name +
			    " num-buffers=" + std::to_string(kFrames) +
			    " ! video/x-raw(memory:DMABuf),width=1280,height=720 ! " + kSink);
	expectDisplayed(run, kFrames);
	const tools::Stats &src = run.stats.at("src"), &sink = run.stats.at("sink");
	expectZeroCopy(src, "dmabridgev4l2src");
	expectZeroCopy(sink, "dmabridgekmssink");
	EXPECT_EQ(src["frames"], uint64_t(kFrames));
	EXPECT_EQ(sink["imports"], src["allocations"]) << "one framebuffer per buffer of the pool";
	EXPECT_LT(sink["imports"], uint64_t(kFrames));
	bool contiguous = name == "vivid-001";
	EXPECT_NE(src.explanation.find(contiguous ? "contiguous heap 'reserved'"
						  : "scatter-gather heap 'system'"),
		  std::string::npos)
		<< src.explanation;
	EXPECT_NE(src.explanation.find(contiguous ? "vivid-001 needs physically contiguous memory"
						  : "vkms takes scattered pages"),
		  std::string::npos)
		<< src.explanation;
}

INSTANTIATE_TEST_SUITE_P(Board, VividToKms, ::testing::Values("vivid-000", "vivid-001"),
			 [](const auto &param) { return test::testName(param.param); });

/*
 * 3840x2160, vivid's largest size, which vkms has no mode of (its 4K mode is 4096x2160):
 * the sink still takes it, and the display shows the frame's top-left corner in the
 * largest mode inside it (vkms's plane cannot scale), with no copy.
 */
TEST(VividToKmsCropped, FrameOfNoModesSizeIsShownCropped)
{
	DMABRIDGE_REQUIRE_DEVICE(!videoNode("vivid-000").empty(), "vivid-000");
	constexpr int frames = 10;
	PipelineRun run =
		runPipeline("dmabridgev4l2src name=src device-name=vivid-000 num-buffers=" +
			    std::to_string(frames) +
			    " ! video/x-raw(memory:DMABuf),width=3840,height=2160 ! " + kSink);
	expectDisplayed(run, frames);
	expectZeroCopy(run.stats.at("src"), "dmabridgev4l2src");
	expectZeroCopy(run.stats.at("sink"), "dmabridgekmssink");
}

/*
 * Pipeline 6: upstream v4l2src exporting its own buffers (io-mode=dmabuf), or importing
 * the ones of the sink's planned pool (io-mode=dmabuf-import): imports follow the pool,
 * not the frame count.
 */
class UpstreamV4l2src : public ::testing::TestWithParam<const char *>
{
};

TEST_P(UpstreamV4l2src, IntoKmsWithoutCopies)
{
	const std::string ioMode = GetParam();
	std::string node = videoNode("vivid-000");
	DMABRIDGE_REQUIRE_DEVICE(!node.empty(), "vivid-000");
	PipelineRun run =
		runPipeline("v4l2src device=" + node + " io-mode=" + ioMode +
			    " num-buffers=" + std::to_string(kFrames) +
			    " ! video/x-raw,format=BGRx,width=1280,height=720 ! " + kSink);
	expectDisplayed(run, kFrames);
	const tools::Stats &sink = run.stats.at("sink");
	expectZeroCopy(sink, "dmabridgekmssink");
	EXPECT_LE(sink["imports"], 8u);
	if (ioMode == "dmabuf-import") {
		EXPECT_GT(sink["allocations"], 0u) << "v4l2src should have used the sink's pool";
		EXPECT_LE(sink["imports"], sink["allocations"]);
	}
}

INSTANTIATE_TEST_SUITE_P(IoModes, UpstreamV4l2src, ::testing::Values("dmabuf", "dmabuf-import"),
			 [](const auto &param) { return test::testName(param.param); });

/*
 * vivid-001 (vb2-dma-contig) importing the sink's pool (io-mode=dmabuf-import): upstream's
 * v4l2src says nothing of its device in the allocation query, so the sink finds it (the
 * element's device property) and plans the pool for it too: contiguous memory, which the
 * camera writes into and the display shows, with no copy.
 */
TEST(UpstreamImporter, ContiguousCameraImportsTheSinksPool)
{
	std::string node = videoNode("vivid-001");
	DMABRIDGE_REQUIRE_DEVICE(!node.empty(), "vivid-001");
	auto exporters = std::make_shared<std::set<std::string>>();
	PipelineRun run = runPipeline(
		"v4l2src device=" + node +
			" io-mode=dmabuf-import num-buffers=" + std::to_string(kFrames) +
			" ! video/x-raw,format=BGRx,width=1280,height=720 ! " + kSink,
		120, {},
		[&](GstElement *pipeline) { test::watchExporters(pipeline, "sink", exporters); });
	expectDisplayed(run, kFrames);
	const tools::Stats &sink = run.stats.at("sink");
	expectZeroCopy(sink, "dmabridgekmssink");
	EXPECT_GT(sink["allocations"], 0u) << "v4l2src should have used the sink's pool";
	EXPECT_LE(sink["imports"], sink["allocations"]);
	EXPECT_EQ(*exporters, std::set<std::string>{ test::cmaHeapName() })
		<< "vivid-001 needs contiguous memory: the pool must come from the CMA heap";
	std::string pool = sink.texts.count("pool") ? sink.texts.at("pool") : "none offered";
	EXPECT_NE(pool.find("vivid-001 needs physically contiguous memory"), std::string::npos)
		<< pool;
}

/* The sink showed the frame in this rectangle of the screen, black around it. */
void expectShownAt(const tools::Stats &sink, uint64_t x, uint64_t y, uint64_t width,
		   uint64_t height)
{
	EXPECT_EQ(sink["destination-x"], x);
	EXPECT_EQ(sink["destination-y"], y);
	EXPECT_EQ(sink["destination-width"], width);
	EXPECT_EQ(sink["destination-height"], height);
	EXPECT_EQ(sink["readback-outside-pixels"], 0u) << "not black around the frame";
}

/*
 * Frames smaller than every mode of vkms (640x360 from the camera, as the user
 * had; 320x240 and 640x360 drawn): shown as they are on an overlay plane, centred on the
 * 1024x768 mode with the primary plane black around them. The writeback proves the
 * frame's pixels are in that rectangle and only black outside it.
 */
struct SmallFrame
{
	const char *name;
	const char *source;
	uint32_t width, height;
};

class SmallFrameOnOverlay : public ::testing::TestWithParam<SmallFrame>
{
};

TEST_P(SmallFrameOnOverlay, CentredWithBlackAroundAndNoCopy)
{
	const SmallFrame &frame = GetParam();
	DMABRIDGE_REQUIRE_DEVICE(!videoNode("vivid-001").empty(), "vivid-001");
	constexpr int frames = 10;
	PipelineRun run = runPipeline(std::string(frame.source) +
				      " name=src num-buffers=" + std::to_string(frames) +
				      " ! video/x-raw,width=" + std::to_string(frame.width) +
				      ",height=" + std::to_string(frame.height) + " ! " + kSink);
	expectDisplayed(run, frames);
	const tools::Stats &sink = run.stats.at("sink");
	expectZeroCopy(sink, "dmabridgekmssink");
	EXPECT_EQ(sink["mode-width"], 1024u);
	EXPECT_EQ(sink["mode-height"], 768u);
	EXPECT_EQ(sink["plane-overlay"], 1u) << sink.explanation;
	expectShownAt(sink, (1024u - frame.width) / 2, (768u - frame.height) / 2, frame.width,
		      frame.height);
	EXPECT_NE(sink.explanation.find("overlay plane"), std::string::npos) << sink.explanation;
}

INSTANTIATE_TEST_SUITE_P(
	Vkms, SmallFrameOnOverlay,
	::testing::Values(SmallFrame{ "camera_640x360", "dmabridgev4l2src device-name=vivid-001",
				      640, 360 },
			  SmallFrame{ "drawn_640x360", "dmabridgetestsrc", 640, 360 },
			  SmallFrame{ "drawn_320x240", "dmabridgetestsrc", 320, 240 }),
	[](const auto &param) { return std::string(param.param.name); });

/*
 * A render rectangle (GstVideoOverlay's render-rectangle, as upstream kmssink has it):
 * the frame goes in it, centred, at its own size (no vkms plane scales).
 */
TEST(RenderRectangle, TheFrameIsCentredInIt)
{
	constexpr int frames = 10;
	PipelineRun run = runPipeline("dmabridgetestsrc num-buffers=" + std::to_string(frames) +
				      " ! video/x-raw,width=320,height=240 ! " + kSink +
				      " render-rectangle=\"<100, 50, 640, 480>\"");
	expectDisplayed(run, frames);
	const tools::Stats &sink = run.stats.at("sink");
	expectZeroCopy(sink, "dmabridgekmssink");
	EXPECT_EQ(sink["plane-overlay"], 1u) << sink.explanation;
	expectShownAt(sink, 100 + (640 - 320) / 2, 50 + (480 - 240) / 2, 320, 240);
}

/* The id of vkms's primary plane; the device is closed again, so that the sink can be
 * the DRM master. */
uint32_t vkmsPrimaryPlane()
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	for (const DrmPlane &plane : vkms ? vkms->planes() : std::vector<DrmPlane>())
		if (plane.type == "primary")
			return plane.id;
	return 0;
}

/*
 * Told to use the primary plane alone (plane-id), a frame smaller than the screen goes
 * there positioned where the kernel lets the primary plane be positioned (Linux 6.12's
 * vkms); where it must cover the screen (6.1), each frame is copied once into a black
 * frame of the mode's size, centred, and the sink says why.
 */
TEST(PrimaryPlaneOnly, SmallFramePositionedOrPaddedByACopy)
{
	uint32_t primary = vkmsPrimaryPlane();
	DMABRIDGE_REQUIRE_DEVICE(primary != 0, "vkms's primary plane");
	constexpr uint64_t frames = 10;
	PipelineRun run = runPipeline("dmabridgetestsrc num-buffers=" + std::to_string(frames) +
				      " ! video/x-raw,width=320,height=240 ! " + kSink +
				      " plane-id=" + std::to_string(primary));
	expectDisplayed(run, frames);
	const tools::Stats &sink = run.stats.at("sink");
	EXPECT_EQ(sink["plane-id"], primary);
	expectShownAt(sink, (1024 - 320) / 2, (768 - 240) / 2, 320, 240);
	if (test::vkmsPrimaryPositions()) {
		expectZeroCopy(sink, "dmabridgekmssink");
		return;
	}
	EXPECT_EQ(sink["copies"], frames) << "Linux " << test::kernelRelease();
	EXPECT_NE(sink.explanation.find("must cover the whole mode"), std::string::npos)
		<< sink.explanation;
	EXPECT_NE(sink.explanation.find("copied once into a frame of the mode's size"),
		  std::string::npos)
		<< sink.explanation;
}

/* System memory (appsrc's own buffers) is copied once a frame, and says why. */
TEST(UpstreamToKms, SystemMemoryIsCopiedOnceWithTheReason)
{
	DMABRIDGE_REQUIRE_DEVICE(!videoNode("vivid-000").empty(), "the virtual board");
	constexpr unsigned kWidth = 640, kHeight = 480, kCount = 10;
	PipelineRun run = runPipeline(
		"appsrc name=in format=time caps=video/x-raw,format=BGRx,width=640,height=480,"
		"framerate=30/1 ! " +
			std::string(kSink),
		120, [](GstElement *pipeline) {
			tools::feedAppsrc(pipeline, "in", kCount, [](unsigned i) {
				GstBuffer *frame = gst_buffer_new_allocate(
					nullptr, kWidth * kHeight * 4, nullptr);
				GstMapInfo map;
				gst_buffer_map(frame, &map, GST_MAP_WRITE);
				for (size_t p = 0; p < map.size; p++)
					map.data[p] = uint8_t(p / 4 * (i + 1) + p % 4 * 64);
				gst_buffer_unmap(frame, &map);
				return frame;
			});
		});
	expectDisplayed(run, kCount);
	const tools::Stats &sink = run.stats.at("sink");
	EXPECT_EQ(sink["copies"], kCount);
	EXPECT_EQ(sink["bytes-copied"], uint64_t(kCount) * kWidth * kHeight * 4);
	EXPECT_NE(sink.explanation.find("upstream sent system memory"), std::string::npos)
		<< sink.explanation;
	EXPECT_EQ(sink["sync-calls"], 2u * kCount) << "one START and one END around each copy";
	EXPECT_EQ(sink["cpu-accesses"], 2u * kCount)
		<< "every CPU access counted: a read of each frame, a write of its copy";
	EXPECT_EQ(sink["imports"], 3u) << "the display's three copy buffers, imported once each";
}

/*
 * QoS events go upstream only where an element acts on them: GstBaseSink sends one after
 * every frame, and a live camera straight into the sink drops them, so there the sink
 * sends none (counted on the source's pad), and its qos property reads as set again once
 * it stopped; videoconvert between a source and the sink still gets them.
 */
unsigned qosEventsUpstreamOf(const char *description, const char *element, bool *qosAfter)
{
	auto count = std::make_shared<std::atomic<unsigned>>(0);
	GstElement *sink = nullptr;
	PipelineRun run = runPipeline(description, 120, {}, [&](GstElement *pipeline) {
		GstElement *watched = gst_bin_get_by_name(GST_BIN(pipeline), element);
		GstPad *pad = gst_element_get_static_pad(watched, "src");
		gst_pad_add_probe(
			pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM,
			[](GstPad *, GstPadProbeInfo *info, gpointer data) {
				if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) == GST_EVENT_QOS)
					++**static_cast<std::shared_ptr<std::atomic<unsigned>> *>(
						data);
				return GST_PAD_PROBE_OK;
			},
			new std::shared_ptr<std::atomic<unsigned>>(count),
			[](gpointer data) {
				delete static_cast<std::shared_ptr<std::atomic<unsigned>> *>(data);
			});
		gst_object_unref(pad);
		gst_object_unref(watched);
		sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
	});
	expectDisplayed(run, 20);
	gboolean qos = FALSE;
	if (sink) {
		g_object_get(sink, "qos", &qos, nullptr);
		gst_object_unref(sink);
	}
	*qosAfter = qos;
	return count->load();
}

TEST(Qos, NoneSentToACameraThatDropsThem)
{
	DMABRIDGE_REQUIRE_DEVICE(!videoNode("vivid-000").empty(), "the virtual board");
	bool qosAfter = false;
	EXPECT_EQ(qosEventsUpstreamOf("dmabridgev4l2src name=src device-name=vivid-000 "
				      "num-buffers=20 ! queue ! dmabridgekmssink name=sink "
				      "driver-name=vkms readback=true sync=false",
				      "src", &qosAfter),
		  0u);
	EXPECT_TRUE(qosAfter) << "the sink's qos property reads as it was set once it stopped";
}

TEST(Qos, StillSentToAnElementThatActsOnThem)
{
	DMABRIDGE_REQUIRE_DEVICE(!videoNode("vivid-000").empty(), "the virtual board");
	bool qosAfter = false;
	EXPECT_GT(qosEventsUpstreamOf("videotestsrc num-buffers=20 ! videoconvert name=convert ! "
				      "video/x-raw,format=BGRx,width=640,height=480 ! "
				      "dmabridgekmssink name=sink driver-name=vkms readback=true "
				      "sync=false",
				      "convert", &qosAfter),
		  0u);
	EXPECT_TRUE(qosAfter);
}

/* Pipeline 5: the CPU draws into dma-bufs planned for the display; nothing is copied. */
TEST(TestSrcToKms, PatternDrawnInPlaceWithOneSyncPairPerFrame)
{
	DMABRIDGE_REQUIRE_DEVICE(!videoNode("vivid-000").empty(), "the virtual board");
	PipelineRun run =
		runPipeline("dmabridgetestsrc name=src num-buffers=" + std::to_string(kFrames) +
			    " ! video/x-raw,width=1280,height=720 ! " + kSink);
	expectDisplayed(run, kFrames);
	const tools::Stats &src = run.stats.at("src"), &sink = run.stats.at("sink");
	expectZeroCopy(sink, "dmabridgekmssink");
	EXPECT_EQ(src["copies"], 0u);
	EXPECT_EQ(src["sync-calls"], 2u * kFrames) << "a START and an END around each drawing";
	EXPECT_EQ(sink["imports"], src["allocations"]);
	EXPECT_GE(sink["readback-colours"], 8u) << "eight bars and the box";
}

/* Ten frames of videotestsrc (caps: what it makes) through the bridge, shown. */
PipelineRun videotestsrcThroughBridge(const std::string &caps)
{
	PipelineRun run = runPipeline("videotestsrc num-buffers=10 ! " + caps +
				      " ! dmabridge name=bridge ! " + std::string(kSink));
	expectDisplayed(run, 10);
	return run;
}

/*
 * Pipeline 5: videotestsrc through the bridge. The bridge offers upstream a pool planned
 * for the display, so videotestsrc draws straight into dma-bufs and the bridge passes
 * them through: no copy at all (better than a copy a frame, and the stats say why).
 */
TEST(BridgeToKms, VideotestsrcDrawsIntoThePlannedPool)
{
	DMABRIDGE_REQUIRE_DEVICE(!videoNode("vivid-000").empty(), "the virtual board");
	PipelineRun run = videotestsrcThroughBridge("video/x-raw,width=640,height=480");
	const tools::Stats &bridge = run.stats.at("bridge"), &sink = run.stats.at("sink");
	EXPECT_EQ(bridge["frames"], 10u);
	expectZeroCopy(bridge, "dmabridge");
	expectZeroCopy(sink, "dmabridgekmssink");
	EXPECT_GT(bridge["allocations"], 0u) << "videotestsrc should have used the bridge's pool";
	EXPECT_NE(bridge.explanation.find("pass-through"), std::string::npos) << bridge.explanation;
}

/*
 * The shape of libcamera's vimc frames (24-bit BGR, 636x480): vkms scans out neither the
 * format nor the size, so the bridge converts and pads into a 640x480 XRGB8888 dma-buf
 * planned for the display, in one copy, and the display takes that without another.
 */
TEST(BridgeToKms, TwentyFourBitFramesAreConvertedAndPaddedInOneCopy)
{
	DMABRIDGE_REQUIRE_DEVICE(!videoNode("vivid-000").empty(), "the virtual board");
	PipelineRun run = videotestsrcThroughBridge("video/x-raw,format=BGR,width=636,height=480");
	const tools::Stats &bridge = run.stats.at("bridge"), &sink = run.stats.at("sink");
	EXPECT_EQ(bridge["copies"], 10u);
	EXPECT_EQ(bridge["bytes-copied"], 10u * 636 * 480 * 3);
	EXPECT_EQ(bridge["cpu-accesses"], 20u)
		<< "every CPU access counted: a read of each frame (system memory), a write of "
		   "its copy";
	EXPECT_EQ(bridge["sync-calls"], 20u)
		<< "the planned output is written inside the sync ioctl";
	EXPECT_NE(
		bridge.explanation.find("downstream shows 640x480, the frames are 636x480 and BGR "
					"becomes BGRx"),
		std::string::npos)
		<< bridge.explanation;
	expectZeroCopy(sink, "dmabridgekmssink");
}

/* Constraints travel in the allocation query, so they cross queue and tee. */
class ThroughQueues : public ::testing::TestWithParam<const char *>
{
};

TEST_P(ThroughQueues, TheSourceStillPlansForTheDisplay)
{
	DMABRIDGE_REQUIRE_DEVICE(!videoNode("vivid-001").empty(), "vivid-001");
	PipelineRun run =
		runPipeline(std::string("dmabridgev4l2src name=src device-name=vivid-001 "
					"num-buffers=10 ! video/x-raw,width=640,height=480 ! ") +
			    GetParam() + " ! " + kSink);
	expectDisplayed(run, 10);
	const tools::Stats &src = run.stats.at("src");
	EXPECT_NE(src.explanation.find("vivid-001 and vkms import them"), std::string::npos)
		<< "the display's constraints did not reach the source: " << src.explanation;
	EXPECT_NE(src.explanation.find("contiguous heap 'reserved'"), std::string::npos);
	expectZeroCopy(run.stats.at("sink"), "dmabridgekmssink");
}

INSTANTIATE_TEST_SUITE_P(Elements, ThroughQueues, ::testing::Values("queue", "tee ! queue"),
			 [](const auto &param) {
				 return std::string(param.param) == "queue" ? "queue" : "tee";
			 });

/*
 * Pipeline 3: libcamera (vimc, 24-bit BGR at 1278x1080) through the bridge into vkms,
 * which takes neither that format nor that size: the bridge converts and pads in one
 * copy into dma-bufs planned for the display. libcamerasrc 0.0.3 never sends EOS (and
 * crashes inside libcamera when a queue follows it), so the pipeline plays until 10
 * frames reached the display (40 s at the most) and is judged by the stats its elements
 * post on their way to NULL.
 */
TEST(LibcameraToKms, ThroughTheBridgeWithOneCopy)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("RGB/YUV Capture").ok(), "vimc");
	PipelineRun run = tools::runFor(
		"libcamerasrc ! dmabridge name=bridge ! " + std::string(kSink), 40, 10);
	ASSERT_TRUE(run.finished) << run.error;
	std::string reported;
	for (const auto &[element, stats] : run.stats)
		reported += element + (stats.present ? " " : "(none) ");
	ASSERT_TRUE(run.stats["bridge"].present && run.stats["sink"].present)
		<< "stats from: " << reported;
	const tools::Stats &bridge = run.stats["bridge"], &sink = run.stats["sink"];
	ASSERT_GT(bridge["frames"], 0u) << "no frame from libcamera";
	EXPECT_EQ(bridge["copies"], bridge["frames"]);
	EXPECT_NE(bridge.explanation.find("becomes BGRx"), std::string::npos) << bridge.explanation;
	EXPECT_NE(bridge.explanation.find("Upstream is the libcamera camera 'platform/vimc.0 "
					  "Sensor "),
		  std::string::npos)
		<< "the bridge did not learn the camera's nodes: " << bridge.explanation;
	EXPECT_NE(bridge.explanation.find("REQBUFS"), std::string::npos) << bridge.explanation;
	EXPECT_EQ(sink["copies"], 0u) << sink.explanation;
	EXPECT_GE(sink["frames"], 10u);
	test::expectShownRight(sink);
}

/* The pipeline to NULL and back, again and again: nothing leaks. */
TEST(PipelineLifetime, PlayingToNullRepeatedlyLeaksNoFds)
{
	DMABRIDGE_REQUIRE_DEVICE(!videoNode("vivid-001").empty(), "vivid-001");
	auto once = [] {
		return runPipeline("dmabridgev4l2src device-name=vivid-001 num-buffers=3 ! "
				   "video/x-raw(memory:DMABuf),width=640,height=480 ! "
				   "dmabridgekmssink name=sink driver-name=vkms");
	};
	ASSERT_TRUE(once().finished);
	size_t fds = test::openFdCount();
	for (int i = 0; i < 5; i++) {
		PipelineRun run = once();
		ASSERT_TRUE(run.finished) << run.error;
	}
	EXPECT_EQ(test::openFdCount(), fds);
}

/* NULL while downstream still holds a captured buffer: it is released later, safely. */
TEST(PipelineLifetime, NullWhileABufferIsHeld)
{
	DMABRIDGE_REQUIRE_DEVICE(!videoNode("vivid-000").empty(), "vivid-000");
	size_t fds = test::openFdCount();
	GstElement *pipeline = gst_parse_launch("dmabridgev4l2src device-name=vivid-000 ! "
						"video/x-raw,width=640,height=480 ! "
						"appsink name=out max-buffers=2",
						nullptr);
	ASSERT_NE(pipeline, nullptr);
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	GstSample *sample = nullptr;
	g_signal_emit_by_name(sink, "try-pull-sample", GstClockTime(20 * GST_SECOND), &sample);
	ASSERT_NE(sample, nullptr);
	GstBuffer *held = gst_buffer_ref(gst_sample_get_buffer(sample));
	gst_sample_unref(sample);

	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(pipeline);
	/* The buffer outlives the element; its memory is still readable. */
	GstMapInfo map;
	ASSERT_TRUE(gst_buffer_map(held, &map, GST_MAP_READ));
	EXPECT_EQ(map.size, 640u * 480 * 4);
	gst_buffer_unmap(held, &map);
	gst_buffer_unref(held);
	EXPECT_EQ(test::openFdCount(), fds) << "the device and buffers go with the last reference";
}

} /* namespace */
