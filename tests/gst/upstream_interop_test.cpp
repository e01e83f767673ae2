/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridge's elements beside upstream GStreamer's, in either direction, on the board's
 * GStreamer: 1.22 in the Debian 12 board, 1.26 (dma-bufs in DMA_DRM caps) in the
 * Debian 13 board. Each case checks the copy counters and the pixels: the writeback of
 * dmabridgekmssink, or, behind upstream kmssink, the framebuffer its plane scans out,
 * read back as a dma-buf (it must be the very buffer our source captured into).
 */
#include <functional>
#include <gtest/gtest.h>
#include <memory>
#include <set>

#include <drm_fourcc.h>
#include <gst/allocators/allocators.h>

#include <dmabridge/v4l2.h>

#include "../../gst-plugin/common/caps_dialect.h"
#include "../../tools/common/pipeline_run.h"
#include "../device/board.h"
#include "../device/scanout.h"
#include "pipeline_checks.h"

using namespace dmabridge;
using tools::PipelineRun;

namespace {

constexpr uint64_t kFrames = 20;
const char *kOurSink = "dmabridgekmssink name=sink driver-name=vkms readback=true sync=false";
const char *kUpstreamSink = "kmssink name=sink driver-name=vkms sync=false";

/* dma-buf caps where the source offers them, else system memory, at 1280x720. */
const char *kEitherMemory = "capsfilter caps=\"video/x-raw(memory:DMABuf),width=1280,height=720; "
			    "video/x-raw,width=1280,height=720\"";

std::string videoNode(const std::string &name)
{
	Result<V4l2Device> device = V4l2Device::openByName(name);
	return device ? device->path() : std::string();
}

/* GStreamer 1.24 and later put dma-bufs in caps (DMA_DRM): upstream's v4l2src offers them
 * first by default. */
bool dmaDrmCaps()
{
	return gst::capsDialect().dmaDrm;
}

/* The caps on the sink element's pad, as text. */
std::string sinkCaps(GstElement *pipeline)
{
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
	GstPad *pad = gst_element_get_static_pad(sink, "sink");
	GstCaps *caps = gst_pad_get_current_caps(pad);
	gchar *text = caps ? gst_caps_to_string(caps) : nullptr;
	std::string result = text ? text : "no caps";
	g_free(text);
	if (caps)
		gst_caps_unref(caps);
	gst_object_unref(pad);
	gst_object_unref(sink);
	return result;
}

void expectOurSinkShowed(const PipelineRun &run)
{
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &sink = run.stats.at("sink");
	EXPECT_EQ(sink["frames"], kFrames);
	EXPECT_EQ(sink["readback-differing-pixels"], 0u) << "the display showed other pixels";
	EXPECT_GT(sink["readback-colours"], 4u) << "the display showed a blank frame";
}

/* The inodes of the dma-bufs that reached element's sink pad. */
struct SeenBuffers
{
	std::set<uint64_t> inodes;
	uint64_t systemMemory = 0;
};

void watchBuffers(GstElement *pipeline, const char *element, SeenBuffers &seen)
{
	test::onEachDmaBuf(pipeline, element, [&seen](const Result<DmaBuf> &dmabuf) {
		if (dmabuf)
			seen.inodes.insert(dmabuf->identity().inode);
		else
			seen.systemMemory++;
	});
}

/*
 * At EOS upstream kmssink still shows the last frame: the framebuffer on vkms's plane is
 * one of the dma-bufs that reached it (imported, not copied), laid out as a 1280x720
 * frame, and a picture.
 */
void expectScannedOutAsIs(const SeenBuffers &seen, std::string &failure)
{
	Result<test::Scanout> shown = test::currentScanout("vkms");
	if (!shown) {
		failure = shown.error().describe();
		return;
	}
	if (!seen.inodes.count(shown->buffer.identity().inode))
		failure =
			"vkms scans out a buffer upstream kmssink made (a copy), not one of the " +
			std::to_string(seen.inodes.size()) + " dma-bufs it was given";
	else if (shown->layout.width != 1280 || shown->layout.height != 720 ||
		 shown->layout.fourcc != DRM_FORMAT_XRGB8888)
		failure = "vkms scans out " + shown->layout.describe();
	else if (uint64_t colours = test::distinctColours(shown->buffer, shown->layout);
		 colours <= 4)
		failure = "vkms scans out a blank frame (" + std::to_string(colours) + " colours)";
}

/*
 * Plays description, whose sink is upstream's kmssink, and checks what vkms shows at EOS.
 * On GStreamer 1.24+ kmssink takes dma-bufs only in DMA_DRM caps: they must be those.
 */
PipelineRun runIntoUpstreamKmssink(const std::string &description, SeenBuffers &seen,
				   std::string &failure,
				   const std::function<void(GstElement *)> &beforePlaying = {})
{
	failure = "never checked: the pipeline did not reach EOS";
	return tools::runPipeline(
		description + " ! " + kEitherMemory + " ! " + kUpstreamSink, 120, {},
		[&](GstElement *pipeline) {
			watchBuffers(pipeline, "sink", seen);
			if (beforePlaying)
				beforePlaying(pipeline);
		},
		[&](GstElement *pipeline) {
			failure.clear();
			std::string caps = sinkCaps(pipeline);
			if (dmaDrmCaps() && caps.find("DMA_DRM") == std::string::npos)
				failure = "kmssink negotiated " + caps;
			else
				expectScannedOutAsIs(seen, failure);
		});
}

/* The bridge passed every frame through to upstream's kmssink, which showed them as they are. */
void expectPassedThrough(const PipelineRun &run, const SeenBuffers &seen,
			 const std::string &failure)
{
	ASSERT_TRUE(run.finished) << run.error;
	EXPECT_TRUE(failure.empty()) << failure;
	EXPECT_EQ(seen.systemMemory, 0u) << "kmssink got system memory";
	const tools::Stats &bridge = run.stats.at("bridge");
	EXPECT_EQ(bridge["frames"], kFrames);
	EXPECT_EQ(bridge["copies"], 0u) << bridge.explanation;
	EXPECT_NE(bridge.explanation.find("pass-through"), std::string::npos) << bridge.explanation;
}

class UpstreamV4l2srcIntoOurSink : public ::testing::TestWithParam<const char *>
{
};

/*
 * Upstream's v4l2src exporting its own buffers (io-mode=dmabuf), and with its default
 * io-mode, which picks dma-bufs when downstream takes them: our sink imports them as
 * they are. On 1.24+ the caps between say so (DMA_DRM); 1.22's v4l2src sends its
 * dma-bufs under system-memory caps.
 */
TEST_P(UpstreamV4l2srcIntoOurSink, ImportedWithoutCopies)
{
	const std::string ioMode = GetParam();
	std::string node = videoNode("vivid-000");
	DMABRIDGE_REQUIRE_DEVICE(!node.empty(), "vivid-000");
	std::string caps;
	PipelineRun run = tools::runPipeline(
		"v4l2src device=" + node + (ioMode.empty() ? "" : " io-mode=" + ioMode) +
			" num-buffers=" + std::to_string(kFrames) + " ! " + kEitherMemory + " ! " +
			kOurSink,
		120, {}, {}, [&](GstElement *pipeline) { caps = sinkCaps(pipeline); });
	expectOurSinkShowed(run);
	const tools::Stats &sink = run.stats.at("sink");
	EXPECT_EQ(sink["copies"], 0u) << sink.explanation;
	EXPECT_LE(sink["imports"], 8u) << "one framebuffer per buffer of v4l2src's queue";
	/* 1.22's v4l2src offers no dma-buf caps: its dma-bufs travel as system memory. */
	EXPECT_EQ(caps.find("memory:DMABuf") != std::string::npos, dmaDrmCaps()) << caps;
	EXPECT_EQ(caps.find("DMA_DRM") != std::string::npos, dmaDrmCaps()) << caps;
}

INSTANTIATE_TEST_SUITE_P(IoModes, UpstreamV4l2srcIntoOurSink, ::testing::Values("dmabuf", ""),
			 [](const auto &param) {
				 return std::string(param.param).empty() ? "default" : "dmabuf";
			 });

class OurSourceIntoUpstreamKmssink : public ::testing::TestWithParam<const char *>
{
};

/*
 * Upstream's kmssink imports our dma-bufs: vivid-000's from the system heap and
 * vivid-001's from CMA, as the plan put them, with no copy on either side.
 */
TEST_P(OurSourceIntoUpstreamKmssink, ShownAsCaptured)
{
	const std::string camera = GetParam();
	DMABRIDGE_REQUIRE_DEVICE(!videoNode(camera).empty(), camera);
	SeenBuffers seen;
	std::string failure;
	PipelineRun run = runIntoUpstreamKmssink("dmabridgev4l2src name=src device-name=" + camera +
							 " num-buffers=" + std::to_string(kFrames),
						 seen, failure);
	ASSERT_TRUE(run.finished) << run.error;
	EXPECT_TRUE(failure.empty()) << failure;
	EXPECT_EQ(seen.systemMemory, 0u);
	const tools::Stats &src = run.stats.at("src");
	EXPECT_EQ(src["frames"], kFrames);
	EXPECT_EQ(src["copies"], 0u) << src.explanation;
	EXPECT_LE(seen.inodes.size(), 8u) << "our source's pool, not a buffer per frame";
	EXPECT_NE(src.explanation.find(camera == "vivid-001" ? "contiguous heap"
							     : "scatter-gather heap"),
		  std::string::npos)
		<< src.explanation;
}

INSTANTIATE_TEST_SUITE_P(Board, OurSourceIntoUpstreamKmssink,
			 ::testing::Values("vivid-000", "vivid-001"),
			 [](const auto &param) { return test::testName(param.param); });

/*
 * The bridge between upstream elements: it offers upstream a pool planned for the
 * display and passes the frames through to upstream's kmssink, which imports them.
 */
class BridgeIntoUpstreamKmssink : public ::testing::TestWithParam<const char *>
{
};

TEST_P(BridgeIntoUpstreamKmssink, PassedThroughAndShown)
{
	std::string source = GetParam();
	DMABRIDGE_REQUIRE_DEVICE(!videoNode("vivid-000").empty(), "vivid-000");
	if (source == "v4l2src")
		source += " device=" + videoNode("vivid-000") + " io-mode=dmabuf";
	SeenBuffers seen;
	std::string failure;
	PipelineRun run = runIntoUpstreamKmssink(
		source + " num-buffers=" + std::to_string(kFrames) +
			" ! video/x-raw,format=BGRx,width=1280,height=720 ! dmabridge name=bridge",
		seen, failure);
	expectPassedThrough(run, seen, failure);
}

INSTANTIATE_TEST_SUITE_P(Sources, BridgeIntoUpstreamKmssink,
			 ::testing::Values("v4l2src", "videotestsrc"),
			 [](const auto &param) { return std::string(param.param); });

/*
 * Upstream's v4l2src importing into the bridge's pool (io-mode=dmabuf-import) on
 * vivid-001, which needs contiguous memory, with upstream's kmssink after the bridge:
 * neither describes its device, so the bridge finds both (v4l2src's device property,
 * kmssink's display) and plans the pool for them, from the CMA heap. The frames pass
 * through and the display scans out the very buffers the camera wrote.
 */
TEST(BridgeBetweenUpstreamImporters, ContiguousCameraIntoUpstreamKmssink)
{
	std::string node = videoNode("vivid-001");
	DMABRIDGE_REQUIRE_DEVICE(!node.empty(), "vivid-001");
	SeenBuffers seen;
	std::string failure;
	auto exporters = std::make_shared<std::set<std::string>>();
	PipelineRun run = runIntoUpstreamKmssink(
		"v4l2src device=" + node +
			" io-mode=dmabuf-import num-buffers=" + std::to_string(kFrames) +
			" ! video/x-raw,format=BGRx,width=1280,height=720 ! dmabridge name=bridge",
		seen, failure,
		[&](GstElement *pipeline) { test::watchExporters(pipeline, "bridge", exporters); });
	expectPassedThrough(run, seen, failure);
	ASSERT_FALSE(HasFatalFailure());
	const tools::Stats &bridge = run.stats.at("bridge");
	EXPECT_GT(bridge["allocations"], 0u) << "v4l2src should have used the bridge's pool";
	EXPECT_EQ(*exporters, std::set<std::string>{ test::cmaHeapName() })
		<< "vivid-001 needs contiguous memory: the pool must come from the CMA heap";
	std::string pool = bridge.texts.count("pool") ? bridge.texts.at("pool") : "none offered";
	EXPECT_NE(pool.find("vivid-001 needs physically contiguous memory"), std::string::npos)
		<< pool;
	EXPECT_NE(pool.find("vkms"), std::string::npos)
		<< "planned for kmssink's display: " << pool;
}

} /* namespace */
