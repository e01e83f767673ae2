/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridgev4l2src on the virtual board's vivid: when a captured buffer goes back to the
 * device, how many buffers it asks for, the frame rate it sets on the device, what it
 * learns when the kernel refuses its buffers, and the constraints of every branch of a
 * tee. Each is judged by what the device and the elements did, not by return codes.
 */
#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <gst/allocators/allocators.h>
#include <gst/video/video.h>
#include <linux/videodev2.h>

#include <dmabridge/dmabuf.h>
#include <dmabridge/v4l2.h>

#include "../../tools/common/pipeline_run.h"
#include "../device/board.h"
#include "shown.h"

using namespace dmabridge;
using tools::PipelineRun;
using tools::runPipeline;

namespace {

/* vivid-000 played under caps while the test pulls frames from an appsink. */
class Played
{
public:
	explicit Played(const std::string &caps)
		: pipeline_(gst_parse_launch(("dmabridgev4l2src device-name=vivid-000 ! " + caps +
					      " ! appsink name=out max-buffers=1 sync=false "
					      "enable-last-sample=false")
						     .c_str(),
					     nullptr))
	{
		if (!pipeline_)
			return;
		sink_ = gst_bin_get_by_name(GST_BIN(pipeline_), "out");
		gst_element_set_state(pipeline_, GST_STATE_PLAYING);
	}
	~Played()
	{
		if (!pipeline_)
			return;
		gst_element_set_state(pipeline_, GST_STATE_NULL);
		if (sink_)
			gst_object_unref(sink_);
		gst_object_unref(pipeline_);
	}
	bool ok() const { return pipeline_ && sink_; }

	/* The next frame (the caller's reference), or null when none came in 30 s. */
	GstBuffer *pull()
	{
		GstSample *sample = nullptr;
		g_signal_emit_by_name(sink_, "try-pull-sample", GstClockTime(30 * GST_SECOND),
				      &sample);
		if (!sample)
			return nullptr;
		GstBuffer *buffer = gst_buffer_ref(gst_sample_get_buffer(sample));
		gst_sample_unref(sample);
		return buffer;
	}

private:
	GstElement *pipeline_ = nullptr;
	GstElement *sink_ = nullptr;
};

/* The dma-buf behind a frame's first memory. */
Result<DmaBuf> dmaBufOf(GstBuffer *buffer)
{
	GstMemory *memory = gst_buffer_peek_memory(buffer, 0);
	if (!memory || !gst_is_fd_memory(memory))
		return Error(EINVAL, "not fd memory");
	return DmaBuf::fromFd(SharedFd::duplicateOf(gst_fd_memory_get_fd(memory)));
}

ino_t inodeOf(GstBuffer *buffer)
{
	Result<DmaBuf> dmabuf = dmaBufOf(buffer);
	return dmabuf ? dmabuf->identity().inode : 0;
}

/* FNV-1a of a frame's bytes, read inside the sync scope. */
uint64_t checksum(GstBuffer *buffer)
{
	Result<DmaBuf> dmabuf = dmaBufOf(buffer);
	if (!dmabuf)
		return 0;
	CpuAccess read(*dmabuf, CpuAccessMode::Read);
	uint64_t hash = 1469598103934665603ull;
	for (uint8_t byte : read.read())
		hash = (hash ^ byte) * 1099511628211ull;
	return hash;
}

const char *kSink = "dmabridgekmssink name=sink driver-name=vkms readback=true sync=false";

/*
 * A shallow copy (it shares the memory) outlives the GstBuffer it was made from: the
 * V4L2 buffer behind it must stay out of the device's queue until the copy goes, or the
 * device writes a new frame into pixels still in use.
 */
TEST(CaptureBuffers, ShallowCopyKeepsItsBufferFromTheDevice)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	Played played("video/x-raw,width=640,height=480");
	ASSERT_TRUE(played.ok());
	GstBuffer *original = played.pull();
	ASSERT_NE(original, nullptr);
	GstBuffer *copy = gst_buffer_copy(original);
	ASSERT_EQ(gst_buffer_peek_memory(copy, 0), gst_buffer_peek_memory(original, 0))
		<< "gst_buffer_copy should share the memory";
	const ino_t held = inodeOf(copy);
	const uint64_t pixels = checksum(copy);
	gst_buffer_unref(original);

	uint64_t previous = 0;
	bool framesDiffer = false;
	for (int i = 0; i < 12; i++) {
		GstBuffer *frame = played.pull();
		ASSERT_NE(frame, nullptr) << "no frame " << i;
		EXPECT_NE(inodeOf(frame), held) << "the device filled the buffer a copy holds";
		uint64_t sum = checksum(frame);
		framesDiffer |= previous && sum != previous;
		previous = sum;
		gst_buffer_unref(frame);
	}
	ASSERT_TRUE(framesDiffer) << "vivid's frames differ (its text counts them)";
	EXPECT_EQ(checksum(copy), pixels) << "the frame the copy holds was overwritten";

	/* Once the copy goes, the buffer goes back to the device and comes round again. */
	gst_buffer_unref(copy);
	bool back = false;
	for (int i = 0; i < 12 && !back; i++) {
		GstBuffer *frame = played.pull();
		ASSERT_NE(frame, nullptr) << "no frame after the copy went";
		back = inodeOf(frame) == held;
		gst_buffer_unref(frame);
	}
	EXPECT_TRUE(back) << "the buffer never came back after the copy went";
}

/*
 * A frame's GstBuffer holds the frame's bytes, not its dma-buf's whole pages: a 640x480
 * NV12 frame (460800 bytes) is not a whole number of pages of any size, so its dma-buf is
 * longer, and what goes to a file must be the frame alone.
 */
TEST(CaptureBuffers, HoldTheFrameNotTheWholePages)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	const std::string caps = "video/x-raw,format=NV12,width=640,height=480";
	constexpr gsize kFrame = 640 * 480 * 3 / 2;
	{
		Played played(caps);
		ASSERT_TRUE(played.ok());
		GstBuffer *frame = played.pull();
		ASSERT_NE(frame, nullptr);
		Result<DmaBuf> dmabuf = dmaBufOf(frame);
		ASSERT_TRUE(dmabuf) << dmabuf.error().describe();
		EXPECT_GT(dmabuf->size(), kFrame) << "the dma-buf is whole pages";
		EXPECT_EQ(gst_buffer_get_size(frame), kFrame);
		GstMapInfo map;
		ASSERT_TRUE(gst_buffer_map(frame, &map, GST_MAP_READ));
		EXPECT_EQ(map.size, kFrame);
		std::vector<bool> seen(256);
		for (gsize i = 0; i < 640 * 480; i++)
			seen[map.data[i]] = true;
		EXPECT_GT(std::count(seen.begin(), seen.end(), true), 4) << "a blank frame";
		gst_buffer_unmap(frame, &map);
		gst_buffer_unref(frame);
	}
	char file[] = "/tmp/dmabridge-frames-XXXXXX";
	int fd = mkstemp(file);
	ASSERT_GE(fd, 0);
	close(fd);
	PipelineRun run = runPipeline("dmabridgev4l2src device-name=vivid-000 num-buffers=3 ! " +
					      caps + " ! filesink location=" + file,
				      60);
	struct stat written = {};
	stat(file, &written);
	unlink(file);
	ASSERT_TRUE(run.finished) << run.error;
	EXPECT_EQ(uint64_t(written.st_size), 3 * kFrame) << "three frames, nothing between them";
}

/* Adds to every ALLOCATION query reaching pad a pool that needs min buffers downstream. */
void askForBuffers(GstElement *pipeline, const char *element, guint min)
{
	tools::probeSinkPad(pipeline, element, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
			    [min](GstPad *, GstPadProbeInfo *info) {
				    GstQuery *query = GST_PAD_PROBE_INFO_QUERY(info);
				    if (GST_QUERY_TYPE(query) == GST_QUERY_ALLOCATION)
					    gst_query_add_allocation_pool(query, nullptr,
									  640 * 480 * 4, min, 0);
			    });
}

/* Downstream holds up to 6 buffers: the source allocates those and 2 of its own. */
TEST(CaptureBuffers, DownstreamMinimumIsHonoured)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	PipelineRun run = runPipeline(
		"dmabridgev4l2src name=src device-name=vivid-000 num-buffers=10 ! "
		"video/x-raw,width=640,height=480 ! fakesink name=out sync=false",
		120, {}, [](GstElement *pipeline) { askForBuffers(pipeline, "out", 6); });
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &src = run.stats.at("src");
	EXPECT_EQ(src["allocations"], 8u) << src.explanation;
	EXPECT_NE(src.explanation.find("8 buffers (downstream holds up to 6"), std::string::npos)
		<< src.explanation;
}

/* The intervals the device lists for a size, enumerated with the raw ioctl (not the library),
 * as the fractions of frames per second caps write, fastest first. */
std::string enumeratedRates(const std::string &path, uint32_t fourcc, uint32_t width,
			    uint32_t height)
{
	int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return "cannot open " + path;
	std::vector<std::pair<uint32_t, uint32_t>> rates;
	for (uint32_t index = 0;; ++index) {
		v4l2_frmivalenum interval{};
		interval.index = index;
		interval.pixel_format = fourcc;
		interval.width = width;
		interval.height = height;
		if (ioctl(fd, VIDIOC_ENUM_FRAMEINTERVALS, &interval) < 0 ||
		    interval.type != V4L2_FRMIVAL_TYPE_DISCRETE)
			break;
		rates.emplace_back(interval.discrete.denominator, interval.discrete.numerator);
	}
	::close(fd);
	std::sort(rates.begin(), rates.end(), [](const auto &a, const auto &b) {
		return uint64_t(a.first) * b.second > uint64_t(b.first) * a.second;
	});
	GValue list = G_VALUE_INIT;
	g_value_init(&list, GST_TYPE_LIST);
	for (auto [numerator, denominator] : rates) {
		GValue rate = G_VALUE_INIT;
		g_value_init(&rate, GST_TYPE_FRACTION);
		gst_value_set_fraction(&rate, int(numerator), int(denominator));
		gst_value_list_append_and_take_value(&list, &rate);
	}
	gchar *text = gst_value_serialize(&list);
	std::string result = text;
	g_free(text);
	g_value_unset(&list);
	return rates.size() < 2 ? "fewer than two discrete intervals: " + result : result;
}

/* The frame rates caps offer at 640x480 are exactly the intervals vivid lists there (8 on
 * Linux 6.1, 13 on 6.12: vivid-vid-cap.c's webcam_intervals grew). */
TEST(FrameRate, CapsOfferTheDeviceIntervals)
{
	Result<V4l2Device> device = V4l2Device::openByName("vivid-000");
	DMABRIDGE_REQUIRE_DEVICE(device.ok(), "vivid-000");
	const std::string expected = enumeratedRates(device->path(), V4L2_PIX_FMT_XBGR32, 640, 480);
	ASSERT_EQ(expected.find("fewer"), std::string::npos) << expected;
	GstElement *src = gst_element_factory_make("dmabridgev4l2src", nullptr);
	g_object_set(src, "device-name", "vivid-000", nullptr);
	/* PAUSED: the source opens its device when it starts (a live source: no preroll). */
	ASSERT_EQ(gst_element_set_state(src, GST_STATE_PAUSED), GST_STATE_CHANGE_NO_PREROLL);
	GstPad *pad = gst_element_get_static_pad(src, "src");
	GstCaps *filter = gst_caps_from_string("video/x-raw,format=BGRx,width=640,height=480");
	GstCaps *caps = gst_pad_query_caps(pad, filter);
	ASSERT_FALSE(gst_caps_is_empty(caps));
	const GValue *rates = gst_structure_get_value(gst_caps_get_structure(caps, 0), "framerate");
	gchar *text = gst_value_serialize(rates);
	EXPECT_EQ(text, expected);
	g_free(text);
	gst_caps_unref(caps);
	gst_caps_unref(filter);
	gst_object_unref(pad);
	gst_element_set_state(src, GST_STATE_NULL);
	gst_object_unref(src);
}

/* The time per frame the device is set to, read through a second fd (G_PARM). */
std::pair<uint32_t, uint32_t> deviceInterval(const std::string &name)
{
	Result<V4l2Device> device = V4l2Device::openByName(name, V4l2Access::Direct);
	return device ? device->frameInterval(V4l2Direction::Capture) : std::pair{ 0u, 0u };
}

/* The V4L2 timestamp a frame carries, in ns. */
uint64_t v4l2Timestamp(GstBuffer *buffer)
{
	static GstCaps *reference = gst_caps_from_string("timestamp/x-v4l2");
	GstReferenceTimestampMeta *meta =
		gst_buffer_get_reference_timestamp_meta(buffer, reference);
	return meta ? meta->timestamp : 0;
}

/*
 * framerate=10/1 sets 1/10 s per frame on the device (VIDIOC_S_PARM), and the frames'
 * own V4L2 timestamps and sequence numbers show that rate.
 */
TEST(FrameRate, ChosenRateIsSetOnTheDevice)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	Played played("video/x-raw,width=640,height=480,framerate=10/1");
	ASSERT_TRUE(played.ok());
	std::vector<std::pair<uint64_t, uint64_t>> frames; /* sequence, timestamp */
	for (int i = 0; i < 12; i++) {
		GstBuffer *frame = played.pull();
		ASSERT_NE(frame, nullptr);
		frames.push_back({ GST_BUFFER_OFFSET(frame), v4l2Timestamp(frame) });
		gst_buffer_unref(frame);
	}
	EXPECT_EQ(deviceInterval("vivid-000"), (std::pair{ 1u, 10u }));
	ASSERT_NE(frames.front().second, 0u) << "frames carry no V4L2 timestamp";
	uint64_t sequences = frames.back().first - frames.front().first;
	ASSERT_GT(sequences, 0u) << "frames carry no V4L2 sequence number";
	double period = double(frames.back().second - frames.front().second) / double(sequences);
	/* vivid stamps each frame when it fills it: within a fifth of the period. */
	EXPECT_NEAR(period, 100e6, 20e6) << "ns per frame over " << sequences << " frames";
}

/*
 * vivid-001 (vb2-dma-contig) made to look scatter-gather capable by the documented
 * override: the plan takes the system heap, the kernel refuses it with EFAULT for the
 * real reason, and the element learns, re-plans to CMA and shows every frame, uncopied.
 */
TEST(Replan, ContiguityLearnedFromTheKernelsRefusal)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-001").ok(), "vivid-001");
	ASSERT_EQ(::setenv("DMABRIDGE_ASSUME_SCATTER_GATHER", "vivid-001", 1), 0);
	PipelineRun run = runPipeline("dmabridgev4l2src name=src device-name=vivid-001 "
				      "num-buffers=10 ! video/x-raw(memory:DMABuf),width=640,"
				      "height=480 ! " +
				      std::string(kSink));
	::unsetenv("DMABRIDGE_ASSUME_SCATTER_GATHER");
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &src = run.stats.at("src"), &sink = run.stats.at("sink");
	EXPECT_NE(src.explanation.find("vivid-001 refused a buffer of scattered pages (EFAULT)"),
		  std::string::npos)
		<< src.explanation;
	EXPECT_NE(src.explanation.find("contiguous heap 'reserved'"), std::string::npos)
		<< src.explanation;
	EXPECT_EQ(src["copies"], 0u);
	EXPECT_EQ(sink["copies"], 0u) << sink.explanation;
	EXPECT_EQ(sink["frames"], 10u);
	test::expectShownRight(sink);
}

/*
 * Two branches behind a tee: the display (scattered pages are fine) and the GPU (on
 * Debian 12 only memory of its own DRM device, on Debian 13 any). The source must plan
 * for both: buffers both import (the GPU's device's, or a heap's), and no copy in either
 * branch.
 */
TEST(Tee, BothBranchesAreZeroCopy)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	PipelineRun run = runPipeline(
		"dmabridgev4l2src name=src device-name=vivid-000 num-buffers=10 ! "
		"video/x-raw,format=BGRx,width=640,height=480 ! tee name=t ! queue ! " +
		std::string(kSink) +
		" t. ! queue ! dmabridgeglconvert name=gl ! video/x-raw,width=320,height=240 "
		"! fakesink sync=false");
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &src = run.stats.at("src"), &sink = run.stats.at("sink"),
			   &gl = run.stats.at("gl");
	EXPECT_NE(src.explanation.find(test::gpuMemorySentence()), std::string::npos)
		<< "the GPU branch's constraints did not reach the source: " << src.explanation;
	EXPECT_NE(src.explanation.find("vkms"), std::string::npos)
		<< "the display branch's constraints did not reach the source: " << src.explanation;
	EXPECT_EQ(src["copies"], 0u);
	EXPECT_EQ(gl["copies"], 0u) << gl.explanation;
	EXPECT_EQ(gl["frames"], 10u);
	EXPECT_EQ(sink["copies"], 0u) << sink.explanation;
	EXPECT_EQ(sink["frames"], 10u);
	test::expectShownRight(sink);
}

/*
 * Each element's stats go out before the EOS the application sends (gst-launch -e, a
 * bin's send_event) reaches the sink, as they do when num-buffers ends the stream: the
 * source, which has no buffer count to end on, posts them from its send_event.
 */
TEST(Stats, PostedBeforeAnEosTheApplicationSends)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	constexpr uint64_t kShown = 10;
	std::thread ender;
	PipelineRun run = runPipeline(
		"dmabridgev4l2src name=src device-name=vivid-000 ! "
		"video/x-raw(memory:DMABuf),width=640,height=480 ! " +
			std::string(kSink),
		120, [&](GstElement *pipeline) {
			const std::atomic<uint64_t> &shown = tools::countBuffers(pipeline, "sink");
			ender = std::thread([pipeline, &shown] {
				for (int i = 0; i < 3000 && shown < kShown; i++)
					std::this_thread::sleep_for(std::chrono::milliseconds(20));
				gst_element_send_event(pipeline, gst_event_new_eos());
			});
		});
	if (ender.joinable())
		ender.join();
	ASSERT_TRUE(run.finished) << run.error;
	ASSERT_TRUE(run.stats["src"].present) << "the source posted no stats before EOS";
	const tools::Stats &src = run.stats.at("src"), &sink = run.stats.at("sink");
	EXPECT_GE(src["frames"], kShown);
	EXPECT_EQ(src["copies"], 0u) << src.explanation;
	EXPECT_GE(sink["frames"], kShown);
	EXPECT_EQ(sink["copies"], 0u) << sink.explanation;
	test::expectShownRight(sink);
}

} /* namespace */
