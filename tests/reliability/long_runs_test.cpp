/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Long runs on the virtual board: one pipeline taken from PLAYING to NULL and back 50
 * times, and a soak of many frames (DMABRIDGE_SOAK_FRAMES, 600 by default; the report of
 * tools/reliability/run uses 20,000). Open fds, dma-buf mappings, RSS and the kernel's
 * dma-buf count must stay flat. The 50 cycles map frames (readback), so that a mapping
 * left behind would show. The same through the Vulkan converter (50 cycles, and a soak of
 * DMABRIDGE_VULKAN_SOAK_FRAMES at 320x180 (a size of vivid's webcam input), 300 by default:
 * lavapipe converts about 1.7 frames/s at 640x480 in the emulated board), counting its Vulkan
 * memory objects too.
 */
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <span>
#include <thread>

#include <drm_fourcc.h>

#include <dmabridge/dmabuf.h>
#include <dmabridge/v4l2.h>

#include "../../tools/common/pipeline_run.h"
#include "../device/board.h"
#include "../device/capture.h"
#include "outcome.h"

using namespace dmabridge;
using namespace std::chrono_literals;

namespace {

/* Bytes of this process's dma-buf mappings, from /proc/self/maps. */
uint64_t dmaBufMappedBytes()
{
	std::ifstream maps("/proc/self/maps");
	std::string line;
	uint64_t bytes = 0;
	while (std::getline(maps, line)) {
		if (line.find("dmabuf") == std::string::npos)
			continue;
		uint64_t start = std::stoull(line, nullptr, 16);
		uint64_t end = std::stoull(line.substr(line.find('-') + 1), nullptr, 16);
		bytes += end - start;
	}
	return bytes;
}

std::string mib(uint64_t bytes)
{
	char text[32];
	snprintf(text, sizeof(text), "%.1f MiB", double(bytes) / (1 << 20));
	return text;
}

/*
 * Whether the board's Vulkan driver imports dma-bufs (Mesa 25's lavapipe); where it
 * doesn't (Debian 12), the element must fail at start naming the missing extension.
 */
bool vulkanImportsDmaBufs()
{
	if (test::mesaImportsAnyDmaBuf())
		return true;
	tools::PipelineRun run = tools::runPipeline(
		"videotestsrc num-buffers=1 ! dmabridgevkconvert ! fakesink", 60);
	test::expectVulkanImportMissing(run.finished, run.error);
	return false;
}

/* What 50 cycles of PLAYING to NULL left behind, measured after the first and the last. */
struct Cycles
{
	std::string failure;
	uint64_t frames = 0;
	size_t fds = 0, fdsAfter = 0;
	uint64_t mapped = 0, mappedAfter = 0, rss = 0, rssAfter = 0, mappingsMade = 0;
	uint64_t vulkanMemoriesMax = 0; /* alive after NULL, at the most */
};

constexpr int kCycles = 50;
constexpr int kWarmUpCycles = 2;
/*
 * RSS is the least of this many cycles at each end: a driver's footprint moves from cycle
 * to cycle (lavapipe in the arm64 board: 110.7 to 117.8 MiB over 60 cycles, without a
 * trend), two single samples differ by that much; a leak raises the floor.
 */
constexpr int kRssWindow = 10;

uint64_t leastOf(std::span<const uint64_t> samples)
{
	return *std::min_element(samples.begin(), samples.end());
}

Cycles cycle(const std::string &description)
{
	Cycles result;
	GstElement *pipeline = gst_parse_launch(description.c_str(), nullptr);
	if (!pipeline)
		return { "the pipeline did not parse" };
	const std::atomic<uint64_t> &shown = tools::countBuffers(pipeline, "sink");
	GstBus *bus = gst_element_get_bus(pipeline);
	uint64_t mappings = 0;
	std::vector<uint64_t> rss; /* after each cycle's NULL, from the warm-up's end */
	for (int cycle = 0; cycle <= kCycles && result.failure.empty(); cycle++) {
		uint64_t before = shown;
		gst_element_set_state(pipeline, GST_STATE_PLAYING);
		for (int i = 0; i < 300 && shown < before + 3; i++) {
			if (GstMessage *error = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
				result.failure = "an error in cycle " + std::to_string(cycle);
				gst_message_unref(error);
			}
			std::this_thread::sleep_for(50ms);
		}
		if (shown < before + 3)
			result.failure = "no frames in cycle " + std::to_string(cycle);
		if (!tools::setStateWithin(pipeline, GST_STATE_NULL, 120)) { /* a bound */
			result.failure = "the pipeline did not reach NULL within 120 s in cycle " +
					 std::to_string(cycle) +
					 " (a thread of it is left waiting)";
			gst_object_unref(bus);
			gst_object_unref(pipeline);
			return result;
		}
		result.vulkanMemoriesMax =
			std::max(result.vulkanMemoriesMax, counters().vulkanMemories);
		if (cycle == kWarmUpCycles) {
			/* The first cycles load what stays loaded (GStreamer's, libdrm's, the
			 * Vulkan driver's compiled shaders): a leak grows over all the others. */
			result.fds = test::openFdCount();
			result.mapped = dmaBufMappedBytes();
			mappings = counters().cpuMappings;
		}
		if (cycle >= kWarmUpCycles)
			rss.push_back(test::rssBytes());
	}
	result.mappingsMade = counters().cpuMappings - mappings;
	result.frames = shown;
	result.fdsAfter = test::openFdCount();
	result.mappedAfter = dmaBufMappedBytes();
	if (rss.size() >= 2 * kRssWindow) {
		result.rss = leastOf(std::span(rss).first(kRssWindow));
		result.rssAfter =
			std::min(leastOf(std::span(rss).last(kRssWindow)), test::rssBytes());
	} else if (result.failure.empty()) {
		result.failure = "too few cycles to measure RSS";
	}
	gst_object_unref(bus);
	gst_object_unref(pipeline);
	return result;
}

/* Every cycle ran, and fds, dma-buf mappings and RSS came back to where they were. */
void expectRanFlat(const Cycles &cycles)
{
	ASSERT_TRUE(cycles.failure.empty()) << cycles.failure;
	EXPECT_EQ(cycles.fdsAfter, cycles.fds);
	EXPECT_EQ(cycles.mappedAfter, cycles.mapped);
	int64_t rssGrowth = int64_t(cycles.rssAfter) - int64_t(cycles.rss);
#ifndef __SANITIZE_ADDRESS__
	EXPECT_LT(rssGrowth, 4 << 20) << "RSS grew by " << mib(uint64_t(rssGrowth));
#else
	/* AddressSanitizer's quarantine holds freed memory: LeakSanitizer checks at exit. */
	(void)rssGrowth;
#endif
}

std::string describe(const Cycles &cycles)
{
	return std::to_string(cycles.frames) + " frames shown; open fds " +
	       std::to_string(cycles.fds) + " before, " + std::to_string(cycles.fdsAfter) +
	       " after; " + std::to_string(cycles.mappingsMade) +
	       " CPU mappings made and undone, dma-buf mappings " + mib(cycles.mapped) +
	       " before, " + mib(cycles.mappedAfter) + " after; RSS (least of " +
	       std::to_string(kRssWindow) + " cycles) " + mib(cycles.rss) + " first, " +
	       mib(cycles.rssAfter) + " last";
}

TEST(LongRuns, PlayingToNullFiftyTimes)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-001").ok(), "vivid-001");
	/* readback maps frames each cycle (the writeback and the last frame, compared on the
	 * way to NULL): leaked mappings would show in /proc/self/maps. */
	Cycles cycles = cycle("dmabridgev4l2src device-name=vivid-001 ! "
			      "video/x-raw(memory:DMABuf),width=640,height=480 ! "
			      "dmabridgekmssink name=sink driver-name=vkms sync=false "
			      "readback=true");
	ASSERT_NO_FATAL_FAILURE(expectRanFlat(cycles));
	EXPECT_GE(cycles.mappingsMade, uint64_t(2 * (kCycles - kWarmUpCycles)))
		<< "the pipeline mapped no frames";
	test::recordOutcome(std::to_string(kCycles) + " cycles PLAYING to NULL of one "
						      "pipeline (vivid-001 to vkms)",
			    describe(cycles));
}

/*
 * The Vulkan converter made and torn down 50 times: its device, imports and sync_files
 * go with it (no Vulkan memory object outlives NULL), fds and RSS stay flat. At 320x180,
 * as the soak: at 640x480 lavapipe's three frames a cycle took 190 s of the board's time.
 */
TEST(LongRuns, VulkanPlayingToNullFiftyTimes)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-001").ok(), "vivid-001");
	if (!vulkanImportsDmaBufs())
		return;
	Cycles cycles = cycle("dmabridgev4l2src device-name=vivid-001 ! "
			      "video/x-raw,format=NV12,width=320,height=180 ! "
			      "dmabridgevkconvert ! video/x-raw,format=BGRx ! "
			      "dmabridgekmssink name=sink driver-name=vkms sync=false");
	ASSERT_NO_FATAL_FAILURE(expectRanFlat(cycles));
	EXPECT_EQ(cycles.vulkanMemoriesMax, 0u) << "Vulkan memory objects left after NULL";
	test::recordOutcome(std::to_string(kCycles) +
				    " cycles PLAYING to NULL of vivid-001 "
				    "through dmabridgevkconvert to vkms, 320x180 NV12",
			    describe(cycles) + "; Vulkan memory objects after NULL: 0");
}

struct Sample
{
	uint64_t frames;
	size_t fds;
	uint64_t rss;
	long objects;
	uint64_t vulkanMemories;
};

/* A long run sampled every half second, and its steady state's extremes. */
struct Soaked
{
	tools::PipelineRun run;
	double seconds = 0;
	std::vector<Sample> steady; /* from a tenth of the frames on, until the last */
	uint64_t reached = 0;       /* frames shown at the last sample: how far a slow run got */
};

/* framesPerSecond: the slowest rate the run may have (its timeout, with 2 minutes more). */
Soaked soak(const std::string &description, uint64_t frames, double framesPerSecond = 4)
{
	Soaked result;
	std::vector<Sample> samples;
	std::atomic<bool> stop = false;
	const std::atomic<uint64_t> *shown = nullptr;
	std::thread sampler;
	auto start = std::chrono::steady_clock::now();
	result.run = tools::runPipeline(
		description, int(double(frames) / framesPerSecond + 120), [&](GstElement *p) {
			shown = &tools::countBuffers(p, "sink");
			sampler = std::thread([&] {
				while (!stop) {
					samples.push_back({ *shown, test::openFdCount(),
							    test::rssBytes(), test::liveDmaBufs(),
							    counters().vulkanMemories });
					std::this_thread::sleep_for(500ms);
				}
			});
		});
	stop = true;
	if (sampler.joinable())
		sampler.join();
	result.seconds =
		std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	result.reached = samples.empty() ? 0 : samples.back().frames;
	std::copy_if(samples.begin(), samples.end(), std::back_inserter(result.steady),
		     [&](const Sample &s) { return s.frames >= frames / 10 && s.frames < frames; });
	return result;
}

template<typename T>
std::pair<T, T> range(const std::vector<Sample> &samples, T Sample::*field)
{
	auto [low, high] =
		std::minmax_element(samples.begin(), samples.end(),
				    [&](auto &a, auto &b) { return a.*field < b.*field; });
	return { (*low).*field, (*high).*field };
}

/*
 * fds, dma-buf objects and Vulkan memory objects flat, RSS within 4 MiB; in words.
 * fdsInFlight: fds a frame holds only while it is on its way (a GPU element's sync_file,
 * until the display's flip), which a sample may or may not catch.
 */
std::string expectSteady(const Soaked &soaked, uint64_t frames, size_t fdsInFlight = 0)
{
	const std::vector<Sample> &steady = soaked.steady;
	EXPECT_GE(steady.size(), 2u) << "too few samples";
	if (steady.size() < 2)
		return "too few samples";
	auto [fdMin, fdMax] = range(steady, &Sample::fds);
	auto [objMin, objMax] = range(steady, &Sample::objects);
	auto [rssMin, rssMax] = range(steady, &Sample::rss);
	auto [vkMin, vkMax] = range(steady, &Sample::vulkanMemories);
	EXPECT_LE(fdMax - fdMin, fdsInFlight) << "open fds grew";
	EXPECT_EQ(objMin, objMax);
	EXPECT_EQ(vkMin, vkMax);
	EXPECT_GE(objMin, 0) << "debugfs's bufinfo is not readable";
	int64_t rssGrowth = int64_t(steady.back().rss) - int64_t(steady.front().rss);
#ifndef __SANITIZE_ADDRESS__
	EXPECT_LT(rssGrowth, 4 << 20) << "RSS grew by " << mib(uint64_t(rssGrowth));
#else
	/* AddressSanitizer holds freed memory in quarantine, so RSS grows without a leak;
	 * LeakSanitizer checks for leaks at exit instead. */
#endif
	char rate[64];
	snprintf(rate, sizeof(rate), "%.0f s (%.1f frames/s)", soaked.seconds,
		 double(frames) / soaked.seconds);
	return std::to_string(soaked.run.stats.at("sink")["frames"]) + " frames in " + rate + ", " +
	       std::to_string(steady.size()) + " samples after the first " +
	       std::to_string(frames / 10) + " frames: open fds " + std::to_string(fdMin) + ".." +
	       std::to_string(fdMax) + "; dma-bufs in bufinfo " + std::to_string(objMin) + ".." +
	       std::to_string(objMax) + "; Vulkan memory objects " + std::to_string(vkMin) + ".." +
	       std::to_string(vkMax) + "; RSS " + mib(rssMin) + ".." + mib(rssMax) +
	       " (first to last sample: " + (rssGrowth < 0 ? "-" : "+") +
	       mib(uint64_t(std::abs(rssGrowth))) + ")";
}

/* vivid's fastest rate at a size; the source's S_FMT of the same size keeps it. */
void fastestRate(const char *camera, uint32_t fourcc, uint32_t width = 640, uint32_t height = 480)
{
	Result<V4l2Device> device = V4l2Device::openByName(camera);
	ASSERT_TRUE(
		device->setFormat(V4l2Direction::Capture, *computeLayout(fourcc, width, height)));
	ASSERT_TRUE(device->setFrameInterval(V4l2Direction::Capture, 1, 25));
}

TEST(LongRuns, Soak)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	const char *asked = getenv("DMABRIDGE_SOAK_FRAMES");
	const uint64_t frames = asked ? std::stoull(asked) : 600;
	fastestRate("vivid-000", DRM_FORMAT_XRGB8888);
	Soaked soaked = soak("dmabridgev4l2src name=src device-name=vivid-000 num-buffers=" +
				     std::to_string(frames) +
				     " ! video/x-raw(memory:DMABuf),width=640,height=480 ! "
				     "dmabridgekmssink name=sink driver-name=vkms sync=false",
			     frames);
	ASSERT_TRUE(soaked.run.finished) << soaked.run.error << " (" << soaked.reached
					 << " frames shown in " << soaked.seconds << " s)";
	EXPECT_EQ(soaked.run.stats.at("sink")["frames"], frames);
	EXPECT_EQ(soaked.run.stats.at("sink")["copies"], 0u);
	std::string outcome = expectSteady(soaked, frames);
	test::recordOutcome(
		"soak: " + std::to_string(frames) + " frames vivid-000 to vkms, 640x480", outcome);
}

/*
 * Many frames through the Vulkan converter (DMABRIDGE_VULKAN_SOAK_FRAMES, 300 by default;
 * 2,000 for the record): nothing grows, nothing is copied.
 */
TEST(LongRuns, VulkanSoak)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	if (!vulkanImportsDmaBufs())
		return;
	const char *asked = getenv("DMABRIDGE_VULKAN_SOAK_FRAMES");
	const uint64_t kFrames = asked ? std::stoull(asked) : 300;
	fastestRate("vivid-000", DRM_FORMAT_YUYV, 320, 180);
	Soaked soaked = soak("dmabridgev4l2src name=src device-name=vivid-000 num-buffers=" +
				     std::to_string(kFrames) +
				     " ! video/x-raw,format=YUY2,width=320,height=180 ! "
				     "dmabridgevkconvert name=gpu ! video/x-raw,format=BGRx ! "
				     "dmabridgekmssink name=sink driver-name=vkms sync=false",
			     kFrames, 1.0);
	ASSERT_TRUE(soaked.run.finished) << soaked.run.error << " (" << soaked.reached
					 << " frames shown in " << soaked.seconds << " s)";
	const tools::Stats &gpu = soaked.run.stats.at("gpu"), &sink = soaked.run.stats.at("sink");
	EXPECT_EQ(sink["frames"], kFrames);
	EXPECT_EQ(sink["copies"], 0u) << sink.explanation;
	EXPECT_EQ(gpu["copies"], 0u) << gpu.explanation;
	EXPECT_EQ(soaked.run.stats.at("src")["copies"], 0u);
	EXPECT_EQ(gpu["fences"], kFrames);
	EXPECT_EQ(counters().vulkanMemories, 0u) << "Vulkan memory objects left after NULL";
	/* A sync_file for each frame from the converter until the flip that replaces it. */
	std::string outcome = expectSteady(soaked, kFrames, 2);
	test::recordOutcome(
		"soak: " + std::to_string(kFrames) +
			" frames vivid-000 through dmabridgevkconvert to vkms, 320x180 YUYV",
		outcome);
}

} /* namespace */
