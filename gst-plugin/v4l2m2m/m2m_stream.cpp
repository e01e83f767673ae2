/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Buffers through the m2m device, on the sink pad's streaming thread: each input goes to
 * the output queue (imported, or copied into a staging buffer with the reason counted),
 * and whatever the device finished goes downstream, as the same GstMemory for the same
 * capture buffer every time, queued again when downstream lets it go. When the output
 * queue is full the thread waits for the device, which is also when frames come out; at
 * EOS the device is drained; a flush drops what it holds.
 */
#include <cstring>
#include <unistd.h>

#include "../common/buffer_read.h"
#include "../common/dmabuf_memory.h"
#include "../common/frame_access.h"
#include "m2m_private.h"

GST_DEBUG_CATEGORY_EXTERN(dmabridge_m2m_debug);
GST_DEBUG_CATEGORY_STATIC(performance);
#define GST_CAT_DEFAULT dmabridge_m2m_debug

namespace dmabridge::gst::m2m {

namespace {

/* The board's emulated CPU is slow; a device that gives nothing for this long is stuck. */
constexpr int kDeviceTimeoutMs = 30000;

GstDebugCategory *performanceCategory()
{
	if (!performance)
		GST_DEBUG_CATEGORY_GET(performance, "GST_PERFORMANCE");
	return performance;
}

} /* namespace */

void releaseMemories(Element &e)
{
	for (auto &planes : e.memories)
		for (GstMemory *memory : planes)
			gst_memory_unref(memory);
	e.memories.clear();
}

/* The same GstMemory for a capture buffer every time: downstream imports it once. */
static const std::vector<GstMemory *> &memoriesOf(Element &e, const M2mFrame &frame)
{
	if (e.memoriesGeneration != frame.generation || e.memories.empty()) {
		releaseMemories(e);
		/* An encoder's payload is shared out of the whole buffer, frame by frame. */
		const Layout &layout = e.m2m->captureLayout();
		for (const std::vector<DmaBuf> &buffers : e.m2m->captureBuffers()) {
			std::vector<GstMemory *> wrapped;
			for (unsigned b = 0; b < buffers.size(); b++)
				wrapped.push_back(
					wrapDmaBuf(buffers[b], e.role == M2mRole::Encoder
								       ? buffers[b].size()
								       : layout.bufferSize(b)));
			e.memories.push_back(wrapped);
		}
		e.memoriesGeneration = frame.generation;
	}
	return e.memories[frame.index];
}

static void stamp(Element &e, GstBuffer *buffer, uint64_t timestamp)
{
	Times times;
	if (auto found = e.times.find(timestamp); found != e.times.end()) {
		times = found->second;
		e.times.erase(e.times.begin(), std::next(found));
	}
	GstClockTime frame = e.fpsN > 0 ? gst_util_uint64_scale_int(GST_SECOND, e.fpsD, e.fpsN)
					: GST_CLOCK_TIME_NONE;
	/* A byte stream has no times: frames follow each other from the segment's start. */
	if (!GST_CLOCK_TIME_IS_VALID(times.pts) && GST_CLOCK_TIME_IS_VALID(frame))
		times.pts = e.segment.start + e.framesSinceSegment * frame;
	if (!GST_CLOCK_TIME_IS_VALID(times.duration))
		times.duration = frame;
	GST_BUFFER_PTS(buffer) = times.pts;
	GST_BUFFER_DURATION(buffer) = times.duration;
	e.framesSinceSegment++;
}

static GstBuffer *frameBuffer(Element &e, const M2mFrame &frame)
{
	const std::vector<GstMemory *> &memories = memoriesOf(e, frame);
	GstBuffer *buffer = gst_buffer_new();
	if (e.role == M2mRole::Encoder) {
		gst_buffer_append_memory(buffer, shareDmaBuf(memories[0], frame.bytesUsed));
		return buffer;
	}
	for (GstMemory *memory : memories)
		gst_buffer_append_memory(buffer, gst_memory_ref(memory));
	const Layout &coded = e.m2m->captureLayout();
	/*
	 * The visible part goes in the video meta, without a copy: its size over the coded
	 * strides, the planes starting at its origin. Downstream that takes crop meta gets
	 * the whole coded frame and the rectangle instead.
	 */
	bool crop = e.cropMeta && (e.visible.left || e.visible.top);
	Result<Layout> shown = crop ? Result<Layout>(coded) : visibleLayout(coded, e.visible);
	addVideoMeta(buffer, shown ? *shown : coded);
	if (crop) {
		GstVideoCropMeta *meta = gst_buffer_add_video_crop_meta(buffer);
		meta->x = e.visible.left;
		meta->y = e.visible.top;
		meta->width = e.visible.width;
		meta->height = e.visible.height;
	}
	return buffer;
}

static GstFlowReturn pushFrame(GstDmabridgeV4l2M2m *self, const M2mFrame &frame)
{
	Element &e = impl(self);
	GstBuffer *buffer = frameBuffer(e, frame);
	stamp(e, buffer, frame.timestamp);
	if (frame.error)
		GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_CORRUPTED);
	struct Return
	{
		std::shared_ptr<V4l2M2m> m2m;
		unsigned index, generation;
	};
	gst_mini_object_weak_ref(
		GST_MINI_OBJECT(buffer),
		[](gpointer data, GstMiniObject *) {
			auto *back = static_cast<Return *>(data);
			back->m2m->releaseCapture(back->index, back->generation);
			delete back;
		},
		new Return{ e.m2m, frame.index, frame.generation });
	e.stats.frames++;
	e.stats.imports = e.m2m->imports();
	e.stats.setExplanation(e.inputExplanation + ". output: " + e.outputExplanation +
			       (e.copyReason.empty() ? "" : ". One copy a frame: " + e.copyReason));
	return gst_pad_push(self->srcpad, buffer);
}

/* Waits up to timeoutMs for the device and pushes what it finished. */
static GstFlowReturn stepAndPush(GstDmabridgeV4l2M2m *self, int timeoutMs, M2mActivity *seen)
{
	Element &e = impl(self);
	Result<M2mActivity> activity = e.m2m->step(timeoutMs, e.wake.get());
	if (!activity && activity.error().code() == ECANCELED)
		return GST_FLOW_FLUSHING;
	if (!activity && activity.error().code() == ETIMEDOUT && timeoutMs == 0)
		return GST_FLOW_OK;
	if (!activity) {
		GST_ELEMENT_ERROR(self, RESOURCE, READ, ("%s", activity.error().describe().c_str()),
				  (nullptr));
		return GST_FLOW_ERROR;
	}
	for (const M2mFrame &frame : activity->frames) {
		GstFlowReturn ret = pushFrame(self, frame);
		if (ret != GST_FLOW_OK)
			return ret;
	}
	if (activity->sourceChanged)
		e.sourceChangePending = true;
	/* Frames of the old format come out first, up to the capture queue's last one. */
	if (e.sourceChangePending && (activity->lastBuffer || !e.m2m->captureStreaming())) {
		e.sourceChangePending = false;
		if (GstFlowReturn ret = configureDecodedOutput(self); ret != GST_FLOW_OK)
			return ret;
	}
	if (seen)
		*seen = std::move(*activity);
	return GST_FLOW_OK;
}

/* Waits until the output queue can take the next input. */
static GstFlowReturn waitForOutput(GstDmabridgeV4l2M2m *self, bool staging)
{
	Element &e = impl(self);
	while (!e.m2m->outputFree(staging)) {
		if (e.flushing)
			return GST_FLOW_FLUSHING;
		GstFlowReturn ret = stepAndPush(self, kDeviceTimeoutMs, nullptr);
		if (ret != GST_FLOW_OK)
			return ret;
	}
	return GST_FLOW_OK;
}

/* A compressed stream in chunks of the staging buffers' size: copying it is the input. */
static GstFlowReturn queueCoded(GstDmabridgeV4l2M2m *self, GstBuffer *buffer, uint64_t timestamp)
{
	Element &e = impl(self);
	/* An encoder's dma-buf is read inside the sync scope, anything else through a map;
	 * only the picture is mapped, not the rest of a buffer sized for the worst case. */
	BufferRead read(buffer, &e.codedSyncCalls, BufferRead::Part::Payload);
	std::span<const uint8_t> data = read.payload();
	if (data.empty() && gst_buffer_get_size(buffer))
		return GST_FLOW_ERROR;
	GstFlowReturn ret = GST_FLOW_OK;
	for (size_t offset = 0; offset < data.size() && ret == GST_FLOW_OK;) {
		ret = waitForOutput(self, true);
		if (ret != GST_FLOW_OK)
			break;
		size_t copied = 0;
		Status queued = e.m2m->queueStaged(
			[&](std::span<uint8_t> target, const Layout &) -> Result<uint32_t> {
				copied = std::min(target.size(), data.size() - offset);
				std::memcpy(target.data(), data.data() + offset, copied);
				return uint32_t(copied);
			},
			timestamp, &e.codedSyncCalls);
		if (!queued) {
			GST_ELEMENT_ERROR(self, RESOURCE, WRITE,
					  ("%s", queued.error().describe().c_str()), (nullptr));
			ret = GST_FLOW_ERROR;
			break;
		}
		offset += copied;
		e.codedCopies++;
		e.codedBytesCopied += copied;
	}
	return ret;
}

/* Why upstream's frame can't be read where it is; empty when it can. */
static std::string importReason(Element &e, GstBuffer *buffer, const std::vector<DmaBuf> &dmabufs,
				const Result<Layout> &layout)
{
	const Layout &driver = e.m2m->outputLayout();
	if (dmabufs.empty())
		return "upstream sent system memory";
	if (!layout || layout->buffers != driver.buffers)
		return "upstream's frame layout is not the one " + e.m2m->label() + " reads";
	for (unsigned p = 0; p < driver.planeCount; p++)
		if (layout->planes[p].stride != driver.planes[p].stride ||
		    layout->planes[p].offset != driver.planes[p].offset)
			return "upstream's plane " + std::to_string(p) + " has lines of " +
			       std::to_string(layout->planes[p].stride) + " bytes at " +
			       std::to_string(layout->planes[p].offset) + ", " + e.m2m->label() +
			       " reads " + std::to_string(driver.planes[p].stride) + " at " +
			       std::to_string(driver.planes[p].offset);
	for (unsigned b = 0; b < driver.buffers; b++)
		if (dmabufs[b].size() < driver.bufferSize(b))
			return "upstream's buffer of " + std::to_string(dmabufs[b].size()) +
			       " bytes is smaller than the " +
			       std::to_string(driver.bufferSize(b)) + " " + e.m2m->label() +
			       " reads (" + driver.describe() + ")";
	if (const char *refused = static_cast<const char *>(
		    gst_mini_object_get_qdata(GST_MINI_OBJECT(gst_buffer_peek_memory(buffer, 0)),
					      g_quark_from_static_string("dmabridge-m2m-refused"))))
		return refused;
	return {};
}

static GstFlowReturn stage(GstDmabridgeV4l2M2m *self, GstBuffer *buffer, uint64_t timestamp)
{
	Element &e = impl(self);
	GstFlowReturn ret = waitForOutput(self, true);
	if (ret != GST_FLOW_OK)
		return ret;
	BufferRead read(buffer, &e.stats.syncCalls);
	std::span<const uint8_t> pixels = read.bytes();
	/* A map gives the frame from its start; a dma-buf, planes where its meta says. */
	Result<Layout> layout = layoutOf(read.dmaBuf() ? buffer : nullptr, e.in);
	Status queued = pixels.empty() || !layout
				? Status(Error(EIO, "cannot read the input frame"))
				: e.m2m->queueStaged(
					  [&](std::span<uint8_t> target,
					      const Layout &driver) -> Result<uint32_t> {
						  Result<uint64_t> copied = copyCounted(
							  pixels, *layout, target, driver, e.stats);
						  if (!copied)
							  return copied.error();
						  return uint32_t(driver.bufferSize(0));
					  },
					  timestamp, &e.stats.syncCalls);
	if (!queued) {
		GST_ELEMENT_ERROR(self, RESOURCE, WRITE, ("%s", queued.error().describe().c_str()),
				  (nullptr));
		return GST_FLOW_ERROR;
	}
	return GST_FLOW_OK;
}

static GstFlowReturn queueRaw(GstDmabridgeV4l2M2m *self, GstBuffer *buffer, uint64_t timestamp)
{
	Element &e = impl(self);
	std::vector<DmaBuf> dmabufs = dmaBufsOf(buffer);
	Result<Layout> layout = layoutOf(buffer, e.in);
	std::string reason = importReason(e, buffer, dmabufs, layout);
	if (reason.empty()) {
		GstFlowReturn ret = waitForOutput(self, false);
		if (ret != GST_FLOW_OK)
			return ret;
		std::shared_ptr<void> hold(gst_buffer_ref(buffer), [](void *held) {
			gst_buffer_unref(static_cast<GstBuffer *>(held));
		});
		const Layout &driver = e.m2m->outputLayout();
		Status queued = e.m2m->queueImported(
			dmabufs, driver, uint32_t(driver.bufferSize(0)), timestamp, hold);
		if (queued)
			return GST_FLOW_OK;
		reason = e.m2m->label() +
			 " refused upstream's dma-buf: " + queued.error().describe();
		gst_mini_object_set_qdata(GST_MINI_OBJECT(gst_buffer_peek_memory(buffer, 0)),
					  g_quark_from_static_string("dmabridge-m2m-refused"),
					  g_strdup(reason.c_str()), g_free);
	}
	if (reason != e.copyReason) {
		GST_CAT_INFO_OBJECT(performanceCategory(), self, "frame copy: %s", reason.c_str());
		e.copyReason = reason;
	}
	return stage(self, buffer, timestamp);
}

GstFlowReturn chain(GstDmabridgeV4l2M2m *self, GstBuffer *buffer)
{
	Element &e = impl(self);
	if (e.flushing) {
		gst_buffer_unref(buffer);
		return GST_FLOW_FLUSHING;
	}
	if (!e.haveInput && (e.role != M2mRole::Decoder || !setInputCaps(self, nullptr))) {
		gst_buffer_unref(buffer);
		return GST_FLOW_NOT_NEGOTIATED;
	}
	uint64_t timestamp = ++e.nextTimestamp;
	e.times[timestamp] = { GST_BUFFER_PTS(buffer), GST_BUFFER_DURATION(buffer) };
	GstFlowReturn ret = e.role == M2mRole::Decoder ? queueCoded(self, buffer, timestamp)
						       : queueRaw(self, buffer, timestamp);
	gst_buffer_unref(buffer);
	if (ret != GST_FLOW_OK)
		return ret;
	/* What the device finished meanwhile goes out now, without waiting. */
	ret = stepAndPush(self, 0, nullptr);
	/*
	 * Upstream's frames in the output queue are held until the device has read them:
	 * keep at most kHeldInputs (the minimum announced in the allocation query), or
	 * upstream waits for a buffer of its pool while this thread waits for its next frame.
	 * When upstream draws into the output queue's own buffers, leave it one. A decoder's
	 * input is copied into buffers of its own, and it may need several before a picture.
	 */
	size_t limit = e.exportPool                 ? e.m2m->outputBuffers().size() - 1
		       : e.role != M2mRole::Decoder ? kHeldInputs
						    : SIZE_MAX;
	while (ret == GST_FLOW_OK && e.m2m->outputInFlight() >= limit)
		ret = stepAndPush(self, kDeviceTimeoutMs, nullptr);
	return ret;
}

GstFlowReturn drain(GstDmabridgeV4l2M2m *self)
{
	Element &e = impl(self);
	if (!e.m2m || !e.haveInput || !e.m2m->outputStreaming())
		return GST_FLOW_OK;
	if (Status asked = e.m2m->drain(); !asked) {
		GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS,
				  ("%s", asked.error().describe().c_str()), (nullptr));
		return GST_FLOW_ERROR;
	}
	for (;;) {
		M2mActivity seen;
		GstFlowReturn ret = stepAndPush(self, kDeviceTimeoutMs, &seen);
		if (ret != GST_FLOW_OK)
			return ret;
		/* Nothing queued anywhere (a stream without a single frame): nothing will come. */
		if (seen.drained || seen.stalled)
			return GST_FLOW_OK;
	}
}

void flushStart(GstDmabridgeV4l2M2m *self)
{
	Element &e = impl(self);
	e.flushing = true;
	uint64_t one = 1;
	if (e.wake)
		(void)!::write(e.wake.get(), &one, sizeof(one));
}

void flushStop(GstDmabridgeV4l2M2m *self)
{
	Element &e = impl(self);
	uint64_t value;
	if (e.wake)
		(void)!::read(e.wake.get(), &value, sizeof(value));
	e.flushing = false;
	e.times.clear();
	e.sourceChangePending = false;
	if (!e.m2m || !e.haveInput)
		return;
	Status flushed = e.m2m->flush();
	if (flushed && !e.m2m->captureBuffers().empty())
		flushed = e.m2m->startCapture();
	if (!flushed)
		GST_WARNING_OBJECT(self, "flush: %s", flushed.error().describe().c_str());
}

} /* namespace dmabridge::gst::m2m */
