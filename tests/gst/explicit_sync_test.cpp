/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Explicit sync into the display: each frame carries a sync_file that the sink hands to
 * KMS as the plane's IN_FENCE_FD, committing without blocking. The fences here come from
 * a software timeline the test advances, so what the sink does is seen against what the
 * test knows: a buffer goes back upstream only once the frame after it is on screen
 * (its fence signalled, its page flip seen), in order; a fence that never signals ends in
 * an error that names it, and the pipeline reaches NULL; a state change while a flip is
 * awaited stops streaming before the readback waits, which shows the last frame.
 */
#include <atomic>
#include <chrono>
#include <gtest/gtest.h>
#include <mutex>
#include <thread>

#include <drm_fourcc.h>
#include <gst/video/video.h>

#include <dmabridge/drm.h>
#include <dmabridge/heap.h>
#include <dmabridge/kms.h>

#include "../../gst-plugin/common/dmabuf_memory.h"
#include "../../gst-plugin/common/sync_file_meta.h"
#include "../../tools/common/pipeline_run.h"
#include "../device/board.h"
#include "../device/sw_sync.h"
#include "shown.h"

using namespace dmabridge;
using namespace std::chrono_literals;

namespace {

constexpr uint32_t kWidth = 640, kHeight = 480;

std::string pipelineText(const std::string &sinkProperties)
{
	return "appsrc name=in format=time caps=\"" +
	       gst::dmaBufCapsText(DRM_FORMAT_XRGB8888, ",width=640,height=480,framerate=30/1") +
	       "\" ! dmabridgekmssink name=sink driver-name=vkms sync=false "
	       "enable-last-sample=false " +
	       sinkProperties;
}

/* Frames of their own dma-buf each (a pattern that moves with the frame number). */
std::vector<DmaBuf> drawFrames(unsigned count)
{
	std::vector<DmaBuf> frames;
	Result<HeapInfo> info = findHeap(false);
	Result<DmaHeap> heap = info ? DmaHeap::open(*info) : Result<DmaHeap>(info.error());
	for (unsigned i = 0; heap && i < count; i++) {
		Result<DmaBuf> buffer = heap->allocate(size_t(kWidth) * kHeight * 4, "sync-test");
		if (!buffer)
			break;
		CpuAccess access(*buffer, CpuAccessMode::Write);
		for (size_t p = 0; access.isValid() && p < access.write().size(); p++)
			access.write()[p] = uint8_t(p / 4 % kWidth + i * 16 + p % 4 * 64);
		frames.push_back(std::move(*buffer));
	}
	return frames;
}

GstBuffer *frameBuffer(const DmaBuf &dmabuf, UniqueFd fence)
{
	GstBuffer *buffer = gst_buffer_new();
	gst_buffer_append_memory(buffer, gst::wrapDmaBuf(dmabuf, uint64_t(kWidth) * kHeight * 4));
	gsize offsets[GST_VIDEO_MAX_PLANES] = { 0 };
	gint strides[GST_VIDEO_MAX_PLANES] = { gint(kWidth * 4) };
	gst_buffer_add_video_meta_full(buffer, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_FORMAT_BGRx,
				       kWidth, kHeight, 1, offsets, strides);
	gst::attachSyncFile(buffer, std::move(fence));
	return buffer;
}

uint64_t flipsOf(GstElement *pipeline)
{
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
	guint64 flips = 0;
	if (!sink)
		return 0;
	g_object_get(sink, "flips", &flips, nullptr);
	gst_object_unref(sink);
	return flips;
}

/* What the test saw when the sink let go of a frame. */
struct Release
{
	unsigned frame;
	uint32_t timeline; /* the timeline's value then: fences up to it had signalled */
	uint64_t flips;    /* the sink's page flips then */
};

struct Watch
{
	GstElement *pipeline = nullptr;
	std::atomic<uint32_t> timeline = 0;
	std::mutex lock;
	std::vector<Release> releases;
};

struct Tag
{
	Watch *watch;
	unsigned frame;
};

void released(gpointer data, GstMiniObject *)
{
	auto *tag = static_cast<Tag *>(data);
	Watch &watch = *tag->watch;
	uint64_t flips = watch.pipeline ? flipsOf(watch.pipeline) : 0;
	std::lock_guard<std::mutex> locker(watch.lock);
	watch.releases.push_back({ tag->frame, watch.timeline.load(), flips });
	delete tag;
}

TEST(ExplicitSync, ABufferGoesBackOnlyWhenTheNextIsOnScreen)
{
	/* Closed at once: the first open of a primary node is its DRM master. */
	DMABRIDGE_REQUIRE_DEVICE(DrmDevice::openByDriver("vkms").ok(), "vkms");
	Result<test::SwSyncTimeline> timeline = test::SwSyncTimeline::open();
	ASSERT_TRUE(timeline.ok()) << timeline.error().describe();
	constexpr unsigned kFrames = 8;
	std::vector<DmaBuf> frames = drawFrames(kFrames);
	ASSERT_EQ(frames.size(), kFrames);

	Watch watch;
	std::thread pacer;
	std::string paceError;
	tools::PipelineRun run =
		tools::runPipeline(pipelineText("readback=true"), 300, [&](GstElement *pipeline) {
			watch.pipeline = pipeline;
			tools::feedAppsrc(pipeline, "in", kFrames, [&](unsigned i) -> GstBuffer * {
				Result<UniqueFd> fence = timeline->fence(i + 1);
				if (!fence)
					return nullptr;
				GstBuffer *buffer = frameBuffer(frames[i], std::move(*fence));
				gst_mini_object_weak_ref(GST_MINI_OBJECT(buffer), released,
							 new Tag{ &watch, i });
				return buffer;
			});
			/* Frame by frame: its fence signals, then its flip is awaited. */
			pacer = std::thread([&, pipeline] {
				for (unsigned k = 1; k <= kFrames && paceError.empty(); k++) {
					if (!timeline->advance(1))
						paceError = "the timeline did not advance";
					watch.timeline = timeline->value();
					/* A bound on the wait, not a measure. */
					for (int i = 0; i < 3000 && flipsOf(pipeline) < k; i++)
						std::this_thread::sleep_for(20ms);
					if (flipsOf(pipeline) < k)
						paceError = "frame " + std::to_string(k - 1) +
							    " never reached the screen";
				}
			});
		});
	if (pacer.joinable())
		pacer.join();
	watch.pipeline = nullptr;
	ASSERT_TRUE(run.finished) << run.error;
	ASSERT_TRUE(paceError.empty()) << paceError;
	const tools::Stats &sink = run.stats.at("sink");
	EXPECT_EQ(sink["frames"], kFrames);
	EXPECT_EQ(sink["copies"], 0u) << sink.explanation;
	EXPECT_EQ(sink["fences"], kFrames) << "each frame's fence was its IN_FENCE_FD";
	EXPECT_EQ(sink["flips"], kFrames);
	test::expectShownRight(sink);

	std::lock_guard<std::mutex> locker(watch.lock);
	ASSERT_EQ(watch.releases.size(), kFrames) << "every frame went back by NULL";
	for (unsigned i = 0; i < kFrames; i++) {
		const Release &release = watch.releases[i];
		EXPECT_EQ(release.frame, i) << "frames go back in the order they were shown";
		if (i + 1 == kFrames)
			break; /* the last goes when the sink stops */
		EXPECT_GE(release.timeline, i + 2)
			<< "frame " << i << " went back before the fence of frame " << i + 1
			<< " had signalled";
		EXPECT_GE(release.flips, i + 2)
			<< "frame " << i << " went back before frame " << i + 1 << " was shown";
	}
}

TEST(ExplicitSync, AFenceThatNeverSignalsEndsInAnErrorAndNull)
{
	/* Closed at once: the first open of a primary node is its DRM master. */
	DMABRIDGE_REQUIRE_DEVICE(DrmDevice::openByDriver("vkms").ok(), "vkms");
	Result<test::SwSyncTimeline> timeline = test::SwSyncTimeline::open();
	ASSERT_TRUE(timeline.ok()) << timeline.error().describe();
	std::vector<DmaBuf> frames = drawFrames(2);
	ASSERT_EQ(frames.size(), 2u);

	/* The first frame's fence waits for a timeline value nothing ever reaches. */
	tools::PipelineRun run = tools::runPipeline(
		pipelineText("fence-timeout=2000"), 300, [&](GstElement *pipeline) {
			tools::feedAppsrc(pipeline, "in", 2, [&](unsigned i) -> GstBuffer * {
				Result<UniqueFd> fence = timeline->fence(i == 0 ? 1000 : 0);
				return fence ? frameBuffer(frames[i], std::move(*fence)) : nullptr;
			});
		});
	/* runPipeline set it to NULL: it came back. */
	EXPECT_FALSE(run.finished);
	EXPECT_NE(run.error.find("the frame's fence (its sync_file from upstream) did not "
				 "signal within 2000 ms"),
		  std::string::npos)
		<< run.error;

	/* Once the fence's owner lets it go, the display is free again. */
	timeline->close();
	bool free = false;
	for (int i = 0; i < 600 && !free; i++) { /* a bound on the wait, not a measure */
		Result<DrmDevice> device = DrmDevice::openByDriver("vkms");
		free = device && KmsDisplay::open(*device).ok();
		if (!free)
			std::this_thread::sleep_for(50ms);
	}
	EXPECT_TRUE(free) << "vkms stayed busy after the fence signalled";
}

/* Pushes frames[index] with a fence at fenceValue of timeline. */
void pushFrame(GstElement *pipeline, const std::vector<DmaBuf> &frames, unsigned index,
	       test::SwSyncTimeline &timeline, uint32_t fenceValue)
{
	Result<UniqueFd> fence = timeline.fence(fenceValue);
	ASSERT_TRUE(fence.ok()) << fence.error().describe();
	tools::pushToAppsrc(pipeline, "in", index, frameBuffer(frames[index], std::move(*fence)));
}

void waitForArrivals(const std::atomic<uint64_t> &arrived, uint64_t count)
{
	for (int i = 0; i < 600 && arrived < count; i++) /* a bound, not a measure */
		std::this_thread::sleep_for(50ms);
	EXPECT_EQ(arrived, count) << "frames did not reach the sink";
	/* A pause that lets the last render commit its frame. */
	std::this_thread::sleep_for(500ms);
}

/*
 * Frames 0 and 1 play, frame 1's commit waiting for its fence, and the pipeline pauses.
 * On the way to READY the sink reads the display back, which waits for frame 1's flip;
 * meanwhile frame 2 arrives to preroll, and its render waits for that flip too unless
 * the sink has stopped streaming first (the display refuses a second waiter: of two, one
 * would wait for good). Then the fence signals. Returns the sink's stats, or fails where
 * the state change did not come back.
 */
tools::Stats readyWhileAFlipIsAwaited(const std::vector<DmaBuf> &frames)
{
	Result<test::SwSyncTimeline> timeline = test::SwSyncTimeline::open();
	EXPECT_TRUE(timeline.ok()) << timeline.error().describe();
	GstElement *pipeline = gst_parse_launch(
		pipelineText("readback=true fence-timeout=60000").c_str(), nullptr);
	if (!timeline || !pipeline) {
		ADD_FAILURE() << "no pipeline";
		return {};
	}
	const std::atomic<uint64_t> &arrived = tools::countBuffers(pipeline, "sink");
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	pushFrame(pipeline, frames, 0, *timeline, 0);
	pushFrame(pipeline, frames, 1, *timeline, 1);
	waitForArrivals(arrived, 2);
	gst_element_set_state(pipeline, GST_STATE_PAUSED);
	/* Pauses that let the state change, then the preroll, reach their waits. */
	std::thread upstream([&] {
		std::this_thread::sleep_for(500ms);
		pushFrame(pipeline, frames, 2, *timeline, 0);
		std::this_thread::sleep_for(500ms);
		EXPECT_TRUE(timeline->advance(1));
	});
	bool ready = tools::setStateWithin(pipeline, GST_STATE_READY, 60); /* a bound */
	upstream.join();
	if (!ready) {
		ADD_FAILURE() << "the pipeline did not reach READY within 60 s of frame 1's fence "
				 "signalling (a thread of it is left waiting)";
		gst_object_unref(pipeline);
		return {};
	}
	tools::PipelineRun run;
	GstBus *bus = gst_element_get_bus(pipeline);
	tools::takeWaiting(bus, run);
	gst_object_unref(bus);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(pipeline);
	EXPECT_EQ(run.error, "");
	return run.stats["sink"];
}

/*
 * A state change while a flip is awaited: the sink stops streaming before it reads the
 * display back, so that no render waits beside the readback, and the readback shows the
 * last frame. 50 cycles of PLAYING to NULL hung where both waited (one read the event,
 * the other waited for good).
 */
TEST(ExplicitSync, ReadyWhileAFlipIsAwaited)
{
	/* Closed at once: the first open of a primary node is its DRM master. */
	DMABRIDGE_REQUIRE_DEVICE(DrmDevice::openByDriver("vkms").ok(), "vkms");
	std::vector<DmaBuf> frames = drawFrames(3);
	ASSERT_EQ(frames.size(), 3u);
	tools::Stats sink = readyWhileAFlipIsAwaited(frames);
	ASSERT_TRUE(sink.present) << "no dmabridge-stats from the sink";
	auto refused = sink.texts.find("readback-error");
	EXPECT_TRUE(refused == sink.texts.end()) << refused->second;
	EXPECT_GE(sink["flips"], 2u);
	test::expectShownRight(sink);
}

} /* namespace */
