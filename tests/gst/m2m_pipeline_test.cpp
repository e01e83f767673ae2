/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The memory-to-memory elements on the board's drivers: vim2m (a converter and scaler)
 * and vicodec (a stateful FWHT encoder and decoder). Each pipeline is judged by pixels
 * (the display's writeback, or the frames compared with what went in) and by the copy
 * counters of dmabridge-stats.
 *
 * FWHT is lossy: decoded frames are compared with what went in by PSNR. The threshold,
 * kMinPsnr = 28 dB, comes from what vicodec's default quantisation (QP 20 for I and P
 * frames, GOP 10) costs, measured on the board: 35.3 dB at least on vivid's camera frames
 * over 300 frames, 29.8 dB on videotestsrc's moving SMPTE bars (the same through upstream's
 * v4l2fwhtdec: it is the codec's loss, not ours); and from how far below it the mistakes
 * fall: the right frame with red and blue swapped scores 7.8 dB, the neighbouring frame
 * (a frame lost or repeated) 15 dB. Each comparison checks the swapped frame too. The
 * codec and the sources are deterministic, so the figures repeat from run to run.
 */
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <thread>

#include <gst/video/video.h>

#include <dmabridge/v4l2.h>

#include "../../tools/common/pipeline_run.h"
#include "../device/board.h"
#include "../device/capture.h"
#include "frames.h"
#include "pipeline_checks.h"
#include "shown.h"

using namespace dmabridge;
using tools::PipelineRun;
using tools::runPipeline;

namespace {

constexpr double kMinPsnr = 28.0;

bool haveDevice(const char *name)
{
	return V4l2Device::openByName(name, V4l2Access::Direct).ok();
}

/* videotestsrc's bars moving sideways: every frame differs, so order matters. */
std::string bars(unsigned frames, unsigned width, unsigned height, const char *format = "BGRx")
{
	return "videotestsrc num-buffers=" + std::to_string(frames) +
	       " pattern=smpte horizontal-speed=4 ! video/x-raw,format=" + format +
	       ",width=" + std::to_string(width) + ",height=" + std::to_string(height) +
	       ",framerate=30/1";
}

/* The frames bars() makes, as references. */
std::vector<test::RgbFrame> barFrames(unsigned frames, unsigned width, unsigned height)
{
	return test::pullFrames(bars(frames, width, height) + " ! appsink name=out", frames);
}

/* Frames reaching the sink pad of element, in order, read as RGB. */
struct SinkFrames
{
	std::mutex lock;
	std::vector<test::RgbFrame> frames;

	void attach(GstElement *pipeline, const char *element)
	{
		tools::probeSinkPad(pipeline, element, GST_PAD_PROBE_TYPE_BUFFER,
				    [this](GstPad *p, GstPadProbeInfo *info) {
					    test::RgbFrame frame = test::readFrame(
						    p, GST_PAD_PROBE_INFO_BUFFER(info));
					    std::lock_guard<std::mutex> locker(lock);
					    frames.push_back(std::move(frame));
				    });
	}
};

/* The lowest PSNR of frames against references from first on. */
double minPsnr(const std::vector<test::RgbFrame> &frames,
	       const std::vector<test::RgbFrame> &references, size_t first = 0)
{
	double lowest = 99;
	for (size_t i = 0; i < frames.size() && first + i < references.size(); i++)
		lowest = std::min(lowest, test::psnr(frames[i], references[first + i]));
	return lowest;
}

/* Every frame equals its reference within the codec's loss, and is a picture. */
void expectFramesMatch(const std::vector<test::RgbFrame> &frames,
		       const std::vector<test::RgbFrame> &references, size_t first = 0)
{
	ASSERT_GE(references.size(), first + frames.size());
	for (size_t i = 0; i < frames.size(); i++) {
		const test::RgbFrame &reference = references[first + i];
		ASSERT_EQ(frames[i].width, reference.width) << "frame " << i;
		ASSERT_EQ(frames[i].height, reference.height) << "frame " << i;
		EXPECT_GE(test::psnr(frames[i], reference), kMinPsnr) << "frame " << i;
		EXPECT_LT(test::psnr(frames[i], test::swappedRedBlue(reference)), kMinPsnr)
			<< "frame " << i << ": the threshold does not tell red from blue";
		EXPECT_GT(test::distinctColours(frames[i]), 8u) << "frame " << i << " is blank";
	}
}

std::string tempFile(const std::string &name)
{
	return "/tmp/dmabridge-test-" + name + ".fwht";
}

/* A stream of our encoder (or upstream's, encoder = "v4l2fwhtenc") in a file. */
void encodeToFile(const std::string &source, const std::string &encoder, const std::string &path)
{
	PipelineRun run =
		runPipeline(source + " ! " + encoder + " ! filesink location=" + path, 300);
	ASSERT_TRUE(run.finished) << run.error;
}

/* Pipeline 2: vivid-001 through our encoder and decoder into the display. */
std::string cameraThroughCodecs(uint64_t frames)
{
	return "dmabridgev4l2src name=src device-name=vivid-001 num-buffers=" +
	       std::to_string(frames) +
	       " ! video/x-raw,format=BGRx,width=640,height=480 ! dmabridgev4l2enc name=enc ! "
	       "dmabridgev4l2dec name=dec ! " +
	       test::kSink;
}

/* A pipeline ending in the display (the sink named sink); what it showed, in shown. */
PipelineRun runToDisplay(const std::string &upstream, SinkFrames &shown)
{
	return runPipeline(upstream + " ! " + test::kSink, 300, {},
			   [&](GstElement *p) { shown.attach(p, "sink"); });
}

/* A stream in a file through our decoder into the display; what it showed, in shown. */
PipelineRun decodeToDisplay(const std::string &file, SinkFrames &shown)
{
	return runToDisplay("filesrc location=" + file +
				    " ! video/x-fwht,framerate=30/1 ! dmabridgev4l2dec name=dec",
			    shown);
}

/* Pipeline 1: a camera needing contiguous memory, scaled and converted by vim2m. */
TEST(M2mConvert, CameraThroughVim2mToTheDisplayWithoutCopies)
{
	DMABRIDGE_REQUIRE_DEVICE(haveDevice("vim2m") && haveDevice("vivid-001"), "vim2m");
	constexpr unsigned kFrames = 20;
	PipelineRun run =
		runPipeline("dmabridgev4l2src name=src device-name=vivid-001 num-buffers=" +
			    std::to_string(kFrames) +
			    " ! video/x-raw,format=RGB,width=640,height=360 ! dmabridgev4l2convert "
			    "name=convert ! video/x-raw,format=RGB16,width=640,height=480 ! " +
			    std::string(test::kSink));
	test::expectDisplayed(run, kFrames);
	const tools::Stats &src = run.stats.at("src"), &convert = run.stats.at("convert"),
			   &sink = run.stats.at("sink");
	test::expectZeroCopy(src, "dmabridgev4l2src");
	test::expectZeroCopy(convert, "dmabridgev4l2convert");
	test::expectZeroCopy(sink, "dmabridgekmssink");
	EXPECT_EQ(convert["frames"], kFrames);
	/* The converter's output queue reached the camera's plan through the query. */
	EXPECT_NE(src.explanation.find("vivid-001 needs physically contiguous memory"),
		  std::string::npos)
		<< src.explanation;
	EXPECT_NE(src.explanation.find("vim2m"), std::string::npos) << src.explanation;
	/* One kernel import per camera buffer, one framebuffer per converter buffer. */
	EXPECT_LE(convert["imports"], src["allocations"]) << convert.explanation;
	EXPECT_LE(sink["imports"], 6u);
}

/*
 * vim2m's conversion is its own (it converts pairs of pixels and shifts some bar edges by
 * one): the reference is upstream's v4l2convert on the same device, frame for frame.
 */
class Vim2mPixels : public ::testing::TestWithParam<const char *>
{
};

TEST_P(Vim2mPixels, SameAsUpstreamConverterOnTheSameDevice)
{
	DMABRIDGE_REQUIRE_DEVICE(haveDevice("vim2m"), "vim2m");
	const std::string mode = GetParam();
	constexpr unsigned kFrames = 6;
	const std::string out = " ! video/x-raw,format=RGB16,width=640,height=480 ! "
				"appsink name=out sync=false";
	std::vector<test::RgbFrame> references =
		test::pullFrames(bars(kFrames, 640, 360, "RGB") + " ! v4l2convert" + out, kFrames);
	std::vector<test::RgbFrame> frames =
		test::pullFrames(bars(kFrames, 640, 360, "RGB") +
					 " ! dmabridgev4l2convert output-io-mode=" + mode + out,
				 kFrames);
	ASSERT_EQ(references.size(), kFrames) << "upstream's v4l2convert gave no frames";
	ASSERT_EQ(frames.size(), kFrames);
	for (unsigned i = 0; i < kFrames; i++) {
		EXPECT_EQ(test::psnr(frames[i], references[i]), 99) << "frame " << i;
		EXPECT_GT(test::distinctColours(frames[i]), 4u) << "frame " << i << " is blank";
	}
}

INSTANTIATE_TEST_SUITE_P(OutputQueue, Vim2mPixels, ::testing::Values("auto", "export"));

/* Upstream draws into what the converter reads: imported, or its own buffers. */
TEST(M2mConvert, UpstreamDrawsIntoWhatTheDeviceReads)
{
	DMABRIDGE_REQUIRE_DEVICE(haveDevice("vim2m"), "vim2m");
	for (const char *mode : { "auto", "export" }) {
		PipelineRun run = runPipeline(
			bars(10, 640, 480, "RGB") +
			" ! dmabridgev4l2convert name=convert output-io-mode=" + mode +
			" ! video/x-raw,format=RGB16,width=640,height=480 ! " + test::kSink);
		test::expectDisplayed(run, 10);
		const tools::Stats &convert = run.stats.at("convert");
		test::expectZeroCopy(convert, std::string("dmabridgev4l2convert ") + mode);
		EXPECT_NE(convert.explanation.find(std::string(mode) == "export"
							   ? "input: upstream fills vim2m"
							   : "imports upstream's dma-bufs"),
			  std::string::npos)
			<< convert.explanation;
	}
}

/*
 * Pipeline 2: the camera through the encoder and the decoder into the display. The raw
 * side copies nothing (the encoder imports the camera's buffers, the decoder writes into
 * buffers planned for the display); every frame is within the codec's loss of the
 * camera's frame of the same timestamp.
 */
TEST(M2mCodec, CameraThroughEncoderAndDecoderToTheDisplay)
{
	DMABRIDGE_REQUIRE_DEVICE(haveDevice("stateful-encoder") && haveDevice("vivid-001"),
				 "vicodec");
	constexpr unsigned kFrames = 30;
	std::unique_ptr<test::FrameComparer> comparer;
	PipelineRun run =
		runPipeline(cameraThroughCodecs(kFrames), 300, {}, [&](GstElement *pipeline) {
			comparer = std::make_unique<test::FrameComparer>(pipeline, "src", "sink");
		});
	test::expectDisplayed(run, kFrames);
	for (const char *element : { "src", "enc", "dec", "sink" })
		test::expectZeroCopy(run.stats.at(element), element);
	const tools::Stats &enc = run.stats.at("enc"), &dec = run.stats.at("dec");
	EXPECT_EQ(dec["frames"], kFrames) << "the drain at EOS lost frames";
	EXPECT_GT(dec["coded-bytes-copied"], 0u) << "the compressed stream is copied in";
	EXPECT_LE(enc["imports"], 8u) << "the camera's buffers are imported once each";
	test::FrameComparer::Result compared = comparer->result();
	EXPECT_EQ(compared.compared, kFrames);
	EXPECT_EQ(compared.unmatched, 0u) << "frames whose timestamp the codecs changed";
	EXPECT_GE(compared.minPsnr, kMinPsnr);
	EXPECT_LT(compared.maxSwappedPsnr, kMinPsnr);
	EXPECT_GT(compared.minColours, 8u);
	std::printf("camera to encoder to decoder: PSNR at least %.1f dB over %lu frames "
		    "(red and blue swapped: at most %.1f dB)\n",
		    compared.minPsnr, (unsigned long)compared.compared, compared.maxSwappedPsnr);
}

/*
 * The decoder's capture buffers planned for the GPU, as its probe found it: Mesa 22.3's
 * software driver uses only memory of its own DRM device, so there the decoder writes
 * into that device's dumb buffers; Mesa 25's uses a heap's. The GPU converter samples
 * them as they are.
 */
TEST(M2mCodec, DecoderWritesIntoMemoryTheGpuCanUse)
{
	DMABRIDGE_REQUIRE_DEVICE(haveDevice("stateful-decoder"), "vicodec");
	constexpr unsigned kFrames = 10;
	std::vector<test::RgbFrame> references = barFrames(kFrames, 640, 480);
	SinkFrames shown;
	PipelineRun run = runToDisplay(
		bars(kFrames, 640, 480) + " ! dmabridgev4l2enc ! dmabridgev4l2dec name=dec ! "
					  "dmabridgeglconvert name=gl ! video/x-raw,format=BGRx",
		shown);
	test::expectDisplayed(run, kFrames);
	for (const char *element : { "dec", "gl", "sink" })
		test::expectZeroCopy(run.stats.at(element), element);
	const tools::Stats &dec = run.stats.at("dec");
	EXPECT_NE(dec.explanation.find(test::gpuMemorySentence()), std::string::npos)
		<< dec.explanation;
	expectFramesMatch(shown.frames, references);
}

struct Sample
{
	uint64_t frames;
	size_t fds;
	uint64_t rss;
	long dmabufs;
};

/* 300 frames: open fds, the kernel's dma-bufs and RSS stay flat (no attachment leak). */
TEST(M2mCodec, ThreeHundredFramesLeaveFdsDmaBufsAndRssFlat)
{
	DMABRIDGE_REQUIRE_DEVICE(haveDevice("stateful-encoder") && haveDevice("vivid-001"),
				 "vicodec");
	constexpr uint64_t kFrames = 300;
	std::vector<Sample> samples;
	std::atomic<bool> stop = false;
	std::thread sampler;
	std::unique_ptr<test::FrameComparer> comparer;
	PipelineRun run = runPipeline(
		cameraThroughCodecs(kFrames), 1200,
		[&](GstElement *pipeline) {
			const std::atomic<uint64_t> *shown = &tools::countBuffers(pipeline, "sink");
			sampler = std::thread([&, shown] {
				while (!stop) {
					samples.push_back({ *shown, test::openFdCount(),
							    test::rssBytes(),
							    test::liveDmaBufs() });
					std::this_thread::sleep_for(std::chrono::milliseconds(500));
				}
			});
		},
		[&](GstElement *pipeline) {
			comparer = std::make_unique<test::FrameComparer>(pipeline, "src", "sink");
		});
	stop = true;
	if (sampler.joinable())
		sampler.join();
	test::expectDisplayed(run, kFrames);
	std::vector<Sample> steady;
	std::copy_if(
		samples.begin(), samples.end(), std::back_inserter(steady),
		[&](const Sample &s) { return s.frames >= kFrames / 10 && s.frames < kFrames; });
	ASSERT_GE(steady.size(), 2u) << "too few samples";
	auto fds = std::minmax_element(steady.begin(), steady.end(),
				       [](auto &a, auto &b) { return a.fds < b.fds; });
	auto dmabufs = std::minmax_element(steady.begin(), steady.end(),
					   [](auto &a, auto &b) { return a.dmabufs < b.dmabufs; });
	EXPECT_EQ(fds.first->fds, fds.second->fds);
	EXPECT_EQ(dmabufs.first->dmabufs, dmabufs.second->dmabufs);
	EXPECT_GE(dmabufs.first->dmabufs, 0) << "debugfs's bufinfo is not readable";
	int64_t growth = int64_t(steady.back().rss) - int64_t(steady.front().rss);
#ifndef __SANITIZE_ADDRESS__
	EXPECT_LT(growth, 4 << 20) << "RSS grew by " << growth << " bytes";
#endif
	for (const char *element : { "enc", "dec", "sink" })
		EXPECT_LE(run.stats.at(element)["imports"], 8u)
			<< element << " imports per frame, not per buffer";
	test::FrameComparer::Result compared = comparer->result();
	EXPECT_EQ(compared.compared, kFrames);
	EXPECT_GE(compared.minPsnr, kMinPsnr);
	std::printf("300 frames: %zu samples, fds %zu..%zu, dma-bufs %ld..%ld, RSS +%lld bytes, "
		    "PSNR at least %.1f dB\n",
		    steady.size(), fds.first->fds, fds.second->fds, dmabufs.first->dmabufs,
		    dmabufs.second->dmabufs, (long long)growth, compared.minPsnr);
}

/*
 * What upstream's FWHT elements do on the board's stack, measured in each board (the
 * stream is the same: vicodec's FWHT is the kernel's, and both kernels write version 3).
 * GStreamer 1.22 on Linux 6.1: v4l2fwhtdec's first output is no input frame (20 dB
 * against the nearest) and from its second output on it gives input frame i + 1 as
 * output i. GStreamer 1.26 on Linux 6.12: v4l2fwhtenc cannot start ("buffer size 1228844
 * is smaller then negotiated size 3686444": it asks for a coded buffer larger than
 * vicodec gives, and refuses what it gets); v4l2fwhtdec gives every frame in order.
 */
struct UpstreamFwht
{
	unsigned minor;
	bool encoderRuns;
	unsigned dropped; /* outputs at the start that are no input frame */
	unsigned offset;  /* input frame of the first output kept */
};

constexpr UpstreamFwht kUpstreamFwht[] = {
	{ 22, true, 1, 2 },
	{ 26, false, 0, 0 },
};

const UpstreamFwht *upstreamFwht()
{
	guint major, minor, micro, nano;
	gst_version(&major, &minor, &micro, &nano);
	for (const UpstreamFwht &entry : kUpstreamFwht)
		if (entry.minor == minor)
			return &entry;
	return nullptr;
}

/* The index of the reference a frame is nearest to, for the message of a failure. */
std::string nearestReferences(const std::vector<test::RgbFrame> &frames,
			      const std::vector<test::RgbFrame> &references)
{
	std::string out;
	for (const test::RgbFrame &frame : frames) {
		size_t best = 0;
		for (size_t i = 1; i < references.size(); i++)
			if (test::psnr(frame, references[i]) > test::psnr(frame, references[best]))
				best = i;
		out += std::to_string(best) + " ";
	}
	return out;
}

/*
 * Upstream's decoder's frames against the inputs, as kUpstreamFwht says it gives them:
 * its first outputs that are no input frame dropped, the rest compared from input
 * upstream.offset on. nearest, when given, gets each frame's nearest input.
 */
void expectAsUpstreamGives(std::vector<test::RgbFrame> &frames,
			   const std::vector<test::RgbFrame> &references,
			   const UpstreamFwht &upstream, std::string *nearest = nullptr)
{
	const std::string near = nearestReferences(frames, references);
	if (nearest)
		*nearest = near;
	ASSERT_GE(frames.size() + upstream.offset, references.size() + upstream.dropped) << near;
	frames.erase(frames.begin(), frames.begin() + upstream.dropped);
	frames.resize(std::min<size_t>(frames.size(), references.size() - upstream.offset));
	expectFramesMatch(frames, references, upstream.offset);
}

/* Upstream's encoder's stream (FWHT in a file) through our decoder to the display. */
TEST(M2mInterop, UpstreamEncodedFileIntoOurDecoder)
{
	DMABRIDGE_REQUIRE_DEVICE(haveDevice("stateful-decoder"), "vicodec");
	const UpstreamFwht *upstream = upstreamFwht();
	ASSERT_TRUE(upstream) << "upstream's FWHT elements are not measured on this GStreamer";
	constexpr unsigned kFrames = 20;
	std::string file = tempFile("upstream");
	if (!upstream->encoderRuns) {
		PipelineRun run = runPipeline(
			bars(kFrames, 640, 480) + " ! v4l2fwhtenc ! filesink location=" + file, 60);
		std::remove(file.c_str());
		ASSERT_FALSE(run.finished) << "upstream's v4l2fwhtenc runs here now: measure it";
		GTEST_SKIP() << "upstream's v4l2fwhtenc cannot run on this stack: " << run.error;
	}
	encodeToFile(bars(kFrames, 640, 480), "v4l2fwhtenc", file);
	std::vector<test::RgbFrame> references = barFrames(kFrames, 640, 480);
	SinkFrames shown;
	PipelineRun run = decodeToDisplay(file, shown);
	test::expectDisplayed(run, kFrames);
	test::expectZeroCopy(run.stats.at("dec"), "dmabridgev4l2dec");
	test::expectZeroCopy(run.stats.at("sink"), "dmabridgekmssink");
	expectFramesMatch(shown.frames, references);
	std::printf("upstream's stream through our decoder: PSNR at least %.1f dB\n",
		    minPsnr(shown.frames, references));
	std::remove(file.c_str());
}

/*
 * And the other way: our encoder's stream decoded by upstream's decoder. Its output
 * format is fixed to what the stream holds: left to choose (a videoconvert after it), it
 * picks a 4:2:2 format the 4:4:4 stream can't be decoded to. The frames are compared as
 * kUpstreamFwht says upstream's decoder gives them.
 */
TEST(M2mInterop, OurEncoderIntoUpstreamDecoder)
{
	DMABRIDGE_REQUIRE_DEVICE(haveDevice("stateful-encoder"), "vicodec");
	const UpstreamFwht *upstream = upstreamFwht();
	ASSERT_TRUE(upstream) << "upstream's FWHT elements are not measured on this GStreamer";
	constexpr unsigned kFrames = 20;
	std::vector<test::RgbFrame> references = barFrames(kFrames, 640, 480);
	std::vector<test::RgbFrame> frames = test::pullFrames(
		bars(kFrames, 640, 480) +
			" ! dmabridgev4l2enc ! v4l2fwhtdec ! video/x-raw,format=BGRx "
			"! appsink name=out sync=false",
		kFrames);
	std::string nearest;
	ASSERT_NO_FATAL_FAILURE(expectAsUpstreamGives(frames, references, *upstream, &nearest));
	std::printf("upstream v4l2fwhtdec: %zu frames compared, PSNR at least %.1f dB "
		    "(nearest input frames: %s)\n",
		    frames.size(), minPsnr(frames, references, upstream->offset), nearest.c_str());
}

/*
 * Upstream's decoder importing into the sink's pool (capture-io-mode=dmabuf-import): the
 * sink finds vicodec behind v4l2fwhtdec's device property and plans the pool for its
 * capture queue too, so the decoder writes into buffers the display shows as they are.
 * The frames are compared as kUpstreamFwht says upstream's decoder gives them.
 */
TEST(M2mInterop, UpstreamDecoderImportsIntoTheSinksPool)
{
	DMABRIDGE_REQUIRE_DEVICE(haveDevice("stateful-decoder"), "vicodec");
	const UpstreamFwht *upstream = upstreamFwht();
	ASSERT_TRUE(upstream) << "upstream's FWHT elements are not measured on this GStreamer";
	constexpr unsigned kFrames = 20;
	std::vector<test::RgbFrame> references = barFrames(kFrames, 640, 480);
	SinkFrames shown;
	PipelineRun run = runToDisplay(
		bars(kFrames, 640, 480) + " ! dmabridgev4l2enc ! v4l2fwhtdec "
					  "capture-io-mode=dmabuf-import ! video/x-raw,format=BGRx",
		shown);
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &sink = run.stats.at("sink");
	test::expectZeroCopy(sink, "dmabridgekmssink");
	EXPECT_GT(sink["allocations"], 0u) << "v4l2fwhtdec should have used the sink's pool";
	EXPECT_LE(sink["imports"], sink["allocations"]);
	std::string pool = sink.texts.count("pool") ? sink.texts.at("pool") : "none offered";
	EXPECT_NE(pool.find("vicodec"), std::string::npos) << pool;
	test::expectShownRight(sink);
	expectAsUpstreamGives(shown.frames, references, *upstream);
}

/*
 * A stream that changes size mid-way (640x480, then 800x600): the decoder's source change
 * renegotiates downstream and plans new buffers; every frame still matches.
 */
TEST(M2mDecoder, ResolutionChangeMidStream)
{
	DMABRIDGE_REQUIRE_DEVICE(haveDevice("stateful-decoder"), "vicodec");
	constexpr unsigned kFrames = 10;
	std::string first = tempFile("640x480"), second = tempFile("800x600"),
		    both = tempFile("both");
	encodeToFile(bars(kFrames, 640, 480), "dmabridgev4l2enc", first);
	encodeToFile(bars(kFrames, 800, 600), "dmabridgev4l2enc", second);
	{
		std::ofstream out(both, std::ios::binary);
		out << std::ifstream(first, std::ios::binary).rdbuf()
		    << std::ifstream(second, std::ios::binary).rdbuf();
	}
	std::vector<test::RgbFrame> references = barFrames(kFrames, 640, 480);
	std::vector<test::RgbFrame> larger = barFrames(kFrames, 800, 600);
	references.insert(references.end(), larger.begin(), larger.end());
	SinkFrames shown;
	PipelineRun run = decodeToDisplay(both, shown);
	test::expectDisplayed(run, 2 * kFrames);
	const tools::Stats &dec = run.stats.at("dec");
	test::expectZeroCopy(dec, "dmabridgev4l2dec");
	EXPECT_EQ(dec["source-changes"], 2u) << "the first format, then the change";
	expectFramesMatch(shown.frames, references);
	for (const std::string &file : { first, second, both })
		std::remove(file.c_str());
}

/*
 * 640x484: vicodec codes whole blocks of 8 lines, so the encoder reads 488 lines (and
 * offers upstream a pool with that many) and the decoder writes 488, of which 484 are
 * visible (VIDIOC_G_SELECTION). The visible part goes downstream in the video meta, and
 * the display (whose smallest mode is 640x480) shows its top-left 640x480.
 */
TEST(M2mDecoder, CropTravelsInTheVideoMetaWithoutCopies)
{
	DMABRIDGE_REQUIRE_DEVICE(haveDevice("stateful-encoder"), "vicodec");
	constexpr unsigned kFrames = 10;
	std::vector<test::RgbFrame> references = barFrames(kFrames, 640, 484);
	SinkFrames shown;
	std::atomic<int> metaHeight = 0, metaStride = 0;
	std::atomic<size_t> bufferSize = 0;
	PipelineRun run = runPipeline(
		bars(kFrames, 640, 484) +
			" ! dmabridgev4l2enc name=enc ! dmabridgev4l2dec name=dec ! " + test::kSink,
		300, {}, [&](GstElement *pipeline) {
			shown.attach(pipeline, "sink");
			tools::probeSinkPad(pipeline, "sink", GST_PAD_PROBE_TYPE_BUFFER,
					    [&](GstPad *, GstPadProbeInfo *info) {
						    GstBuffer *buffer =
							    GST_PAD_PROBE_INFO_BUFFER(info);
						    if (GstVideoMeta *meta =
								gst_buffer_get_video_meta(buffer)) {
							    metaHeight = int(meta->height);
							    metaStride = meta->stride[0];
						    }
						    bufferSize = gst_buffer_get_size(buffer);
					    });
		});
	test::expectDisplayed(run, kFrames);
	for (const char *element : { "enc", "dec", "sink" })
		test::expectZeroCopy(run.stats.at(element), element);
	EXPECT_EQ(metaHeight, 484);
	EXPECT_EQ(metaStride, 640 * 4);
	EXPECT_GE(bufferSize, size_t(640 * 4 * 488)) << "the decoder's buffer holds 488 lines";
	expectFramesMatch(shown.frames, references);
}

/* A flushing seek mid-stream: the decoder drops what it held and starts over, exactly. */
TEST(M2mDecoder, SeekFlushesAndDecodingStartsOver)
{
	DMABRIDGE_REQUIRE_DEVICE(haveDevice("stateful-decoder"), "vicodec");
	constexpr unsigned kFrames = 12, kBeforeSeek = 5;
	std::string file = tempFile("seek");
	encodeToFile(bars(kFrames, 640, 480), "dmabridgev4l2enc", file);
	std::vector<test::RgbFrame> references = barFrames(kFrames, 640, 480);

	GstElement *pipeline = gst_parse_launch(
		("filesrc location=" + file +
		 " ! video/x-fwht,framerate=30/1 ! dmabridgev4l2dec ! video/x-raw,format=BGRx ! "
		 "appsink name=out sync=false max-buffers=2")
			.c_str(),
		nullptr);
	ASSERT_NE(pipeline, nullptr);
	GstElement *out = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	auto pull = [&](std::vector<test::RgbFrame> &into, unsigned count) {
		while (into.size() < count) {
			GstSample *sample = nullptr;
			g_signal_emit_by_name(out, "try-pull-sample", GstClockTime(60 * GST_SECOND),
					      &sample);
			if (!sample)
				return;
			into.push_back(test::readFrame(gst_sample_get_buffer(sample),
						       gst_sample_get_caps(sample)));
			gst_sample_unref(sample);
		}
	};
	std::vector<test::RgbFrame> before, after;
	pull(before, kBeforeSeek);
	bool sought = gst_element_seek_simple(pipeline, GST_FORMAT_BYTES, GST_SEEK_FLAG_FLUSH, 0);
	pull(after, kFrames);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(out);
	gst_object_unref(pipeline);
	std::remove(file.c_str());

	ASSERT_TRUE(sought);
	ASSERT_EQ(before.size(), kBeforeSeek);
	ASSERT_EQ(after.size(), kFrames) << "decoding did not start over after the seek";
	expectFramesMatch(before, references);
	expectFramesMatch(after, references);
}

} /* namespace */
