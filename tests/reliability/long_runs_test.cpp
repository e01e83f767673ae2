/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Long runs on the virtual board: one pipeline taken from PLAYING to NULL and back 50
 * times, and a soak of many frames (DMABRIDGE_SOAK_FRAMES, 600 by default; the report of
 * tools/reliability/run uses 20,000). Open fds, dma-buf mappings, RSS and the kernel's
 * dma-buf count must stay flat. The 50 cycles map frames (readback), so that a mapping
 * left behind would show.
 */
#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
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

TEST(LongRuns, PlayingToNullFiftyTimes)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-001").ok(), "vivid-001");
	/* readback maps frames each cycle (the writeback and the last frame, compared on the
	 * way to NULL): leaked mappings would show in /proc/self/maps. */
	GstElement *pipeline =
		gst_parse_launch("dmabridgev4l2src device-name=vivid-001 ! "
				 "video/x-raw(memory:DMABuf),width=640,height=480 ! "
				 "dmabridgekmssink name=sink driver-name=vkms sync=false "
				 "readback=true",
				 nullptr);
	ASSERT_NE(pipeline, nullptr);
	const std::atomic<uint64_t> &shown = tools::countBuffers(pipeline, "sink");
	GstBus *bus = gst_element_get_bus(pipeline);
	size_t fds = 0;
	uint64_t mapped = 0, rss = 0, mappings = 0;
	constexpr int kCycles = 50;
	std::string failure;
	for (int cycle = 0; cycle <= kCycles && failure.empty(); cycle++) {
		uint64_t before = shown;
		gst_element_set_state(pipeline, GST_STATE_PLAYING);
		for (int i = 0; i < 300 && shown < before + 3; i++) {
			if (GstMessage *error = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
				failure = "an error in cycle " + std::to_string(cycle);
				gst_message_unref(error);
			}
			std::this_thread::sleep_for(50ms);
		}
		if (shown < before + 3)
			failure = "no frames in cycle " + std::to_string(cycle);
		gst_element_set_state(pipeline, GST_STATE_NULL);
		if (cycle == 0) {
			/* The first cycle loads what stays loaded (GStreamer's, libdrm's). */
			fds = test::openFdCount();
			mapped = dmaBufMappedBytes();
			rss = test::rssBytes();
			mappings = counters().cpuMappings;
		}
	}
	uint64_t mappingsMade = counters().cpuMappings - mappings;
	uint64_t frames = shown;
	size_t fdsAfter = test::openFdCount();
	uint64_t mappedAfter = dmaBufMappedBytes(), rssAfter = test::rssBytes();
	gst_object_unref(bus);
	gst_object_unref(pipeline);
	ASSERT_TRUE(failure.empty()) << failure;
	EXPECT_EQ(fdsAfter, fds);
	EXPECT_GE(mappingsMade, uint64_t(2 * kCycles)) << "the pipeline mapped no frames";
	EXPECT_EQ(mappedAfter, mapped);
	int64_t rssGrowth = int64_t(rssAfter) - int64_t(rss);
#ifndef __SANITIZE_ADDRESS__
	EXPECT_LT(rssGrowth, 4 << 20) << "RSS grew by " << mib(uint64_t(rssGrowth));
#else
	/* AddressSanitizer's quarantine holds freed memory: LeakSanitizer checks at exit. */
	(void)rssGrowth;
#endif
	test::recordOutcome(std::to_string(kCycles) + " cycles PLAYING to NULL of one "
						      "pipeline (vivid-001 to vkms)",
			    std::to_string(frames) + " frames shown; open fds " +
				    std::to_string(fds) + " before, " + std::to_string(fdsAfter) +
				    " after; " + std::to_string(mappingsMade) +
				    " CPU mappings made and undone, dma-buf mappings " +
				    mib(mapped) + " before, " + mib(mappedAfter) + " after; RSS " +
				    mib(rss) + " before, " + mib(rssAfter) + " after");
}

struct Sample
{
	uint64_t frames;
	size_t fds;
	uint64_t rss;
	long objects;
};

TEST(LongRuns, Soak)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	const char *asked = getenv("DMABRIDGE_SOAK_FRAMES");
	const uint64_t frames = asked ? std::stoull(asked) : 600;
	/* vivid's fastest rate at 640x480; the source's S_FMT of the same size keeps it. */
	{
		Result<V4l2Device> camera = V4l2Device::openByName("vivid-000");
		ASSERT_TRUE(camera->setFormat(V4l2Direction::Capture,
					      *computeLayout(DRM_FORMAT_XRGB8888, 640, 480)));
		ASSERT_TRUE(camera->setFrameInterval(V4l2Direction::Capture, 1, 25));
	}
	std::vector<Sample> samples;
	std::atomic<bool> stop = false;
	const std::atomic<uint64_t> *shown = nullptr;
	std::thread sampler;
	auto start = std::chrono::steady_clock::now();
	tools::PipelineRun run = tools::runPipeline(
		"dmabridgev4l2src name=src device-name=vivid-000 num-buffers=" +
			std::to_string(frames) +
			" ! video/x-raw(memory:DMABuf),width=640,height=480 ! "
			"dmabridgekmssink name=sink driver-name=vkms sync=false",
		int(frames / 4 + 120), [&](GstElement *pipeline) {
			shown = &tools::countBuffers(pipeline, "sink");
			sampler = std::thread([&] {
				while (!stop) {
					samples.push_back({ *shown, test::openFdCount(),
							    test::rssBytes(),
							    test::liveDmaBufs() });
					std::this_thread::sleep_for(500ms);
				}
			});
		});
	stop = true;
	if (sampler.joinable())
		sampler.join();
	double seconds =
		std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	ASSERT_TRUE(run.finished) << run.error;
	EXPECT_EQ(run.stats.at("sink")["frames"], frames);
	EXPECT_EQ(run.stats.at("sink")["copies"], 0u);

	/* Steady state: from a tenth of the frames on, until the last frame was shown. */
	std::vector<Sample> steady;
	std::copy_if(samples.begin(), samples.end(), std::back_inserter(steady),
		     [&](const Sample &s) { return s.frames >= frames / 10 && s.frames < frames; });
	ASSERT_GE(steady.size(), 2u) << "too few samples";
	auto [fdMin, fdMax] = std::minmax_element(steady.begin(), steady.end(),
						  [](auto &a, auto &b) { return a.fds < b.fds; });
	auto [objMin, objMax] =
		std::minmax_element(steady.begin(), steady.end(),
				    [](auto &a, auto &b) { return a.objects < b.objects; });
	auto [rssMin, rssMax] = std::minmax_element(steady.begin(), steady.end(),
						    [](auto &a, auto &b) { return a.rss < b.rss; });
	EXPECT_EQ(fdMin->fds, fdMax->fds);
	EXPECT_EQ(objMin->objects, objMax->objects);
	EXPECT_GE(objMin->objects, 0) << "debugfs's bufinfo is not readable";
	int64_t rssGrowth = int64_t(steady.back().rss) - int64_t(steady.front().rss);
#ifndef __SANITIZE_ADDRESS__
	EXPECT_LT(rssGrowth, 4 << 20) << "RSS grew by " << mib(uint64_t(rssGrowth));
#else
	/* AddressSanitizer holds freed memory in quarantine, so RSS grows without a leak;
	 * LeakSanitizer checks for leaks at exit instead. */
#endif
	char rate[64];
	snprintf(rate, sizeof(rate), "%.0f s (%.1f frames/s)", seconds, double(frames) / seconds);
	test::recordOutcome(
		"soak: " + std::to_string(frames) + " frames vivid-000 to vkms, 640x480",
		std::to_string(run.stats.at("sink")["frames"]) + " frames in " + rate + ", " +
			std::to_string(steady.size()) + " samples after the first " +
			std::to_string(frames / 10) + " frames: open fds " +
			std::to_string(fdMin->fds) + ".." + std::to_string(fdMax->fds) +
			"; dma-bufs in bufinfo " + std::to_string(objMin->objects) + ".." +
			std::to_string(objMax->objects) + "; RSS " + mib(rssMin->rss) + ".." +
			mib(rssMax->rss) + " (first to last sample: " +
			(rssGrowth < 0 ? "-" : "+") + mib(uint64_t(std::abs(rssGrowth))) + ")");
}

} /* namespace */
