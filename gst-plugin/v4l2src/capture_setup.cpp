/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "capture_setup.h"

#include <algorithm>

#include <dmabridge/allocator.h>

namespace dmabridge::gst {

namespace {

/*
 * VIDIOC_S_PARM to the rate the caps chose; an error when the device keeps another. A
 * rate of 0 (variable) sets nothing, nor does a device without S_PARM (ENOTTY), whose
 * caps offer any rate as none can be chosen.
 */
Status applyFrameRate(V4l2Device &camera, const GstVideoInfo &info)
{
	if (info.fps_n <= 0 || info.fps_d <= 0)
		return {};
	Result<std::pair<uint32_t, uint32_t>> set = camera.setFrameInterval(
		V4l2Direction::Capture, uint32_t(info.fps_d), uint32_t(info.fps_n));
	if (!set && set.error().code() == ENOTTY)
		return {};
	if (!set)
		return set.error();
	if (uint64_t(set->first) * uint64_t(info.fps_n) != uint64_t(set->second) * info.fps_d)
		return Error(EINVAL, camera.label() + " keeps " + std::to_string(set->first) + "/" +
					     std::to_string(set->second) + " s per frame for " +
					     std::to_string(info.fps_n) + "/" +
					     std::to_string(info.fps_d) + " frames per second");
	return {};
}

/* The queue's format and rate for the plan's layout; the layout the driver settled on. */
Result<Layout> setFormat(V4l2Device &camera, const Layout &layout, const GstVideoInfo &info)
{
	Result<Layout> set = camera.setFormat(V4l2Direction::Capture, layout);
	if (!set)
		return set;
	/* After the format: drivers fit the frame interval to the size (vivid does). */
	if (Status rate = applyFrameRate(camera, info); !rate)
		return rate.error();
	return set;
}

/* The device's own buffers (MMAP), exported: a ProducerExport plan. */
Result<CaptureBuffers> exportBuffers(V4l2Device &camera, const Plan &plan, const GstVideoInfo &info)
{
	Result<Layout> layout = setFormat(camera, plan.layout, info);
	if (!layout)
		return layout.error();
	Result<unsigned> count =
		camera.requestBuffers(V4l2Direction::Capture, V4l2Memory::Mmap, plan.bufferCount);
	if (!count)
		return count.error();
	CaptureBuffers buffers{ V4l2Memory::Mmap, *layout, {} };
	for (unsigned i = 0; i < *count; i++) {
		Result<std::vector<DmaBuf>> exported =
			camera.exportBuffer(V4l2Direction::Capture, i);
		if (!exported)
			return exported.error();
		buffers.buffers.push_back(std::move(*exported));
	}
	return buffers;
}

/* Buffers allocated as the plan says, for the camera to import (V4L2_MEMORY_DMABUF). */
Result<CaptureBuffers> importBuffers(V4l2Device &camera, const Plan &plan, const std::string &name,
				     const GstVideoInfo &info, CaptureSetup &setup)
{
	Result<AllocatedBuffers> allocated = allocateBuffers(plan, name);
	if (!allocated)
		return allocated.error();
	setup.note = allocated->note;
	setup.contiguous = allocated->contiguous;
	Result<Layout> layout = setFormat(camera, allocated->layout, info);
	if (!layout)
		return layout.error();
	if (layout->planes[0].stride != allocated->layout.planes[0].stride)
		return Error(EINVAL, camera.label() + " wants stride " +
					     std::to_string(layout->planes[0].stride) +
					     " where the plan has " +
					     std::to_string(allocated->layout.planes[0].stride));
	Result<unsigned> count = camera.requestBuffers(V4l2Direction::Capture, V4l2Memory::DmaBuf,
						       unsigned(allocated->buffers.size()));
	if (!count)
		return count.error();
	CaptureBuffers buffers{ V4l2Memory::DmaBuf, *layout, {} };
	for (unsigned i = 0; i < *count; i++)
		buffers.buffers.push_back({ allocated->buffers[i] });
	return buffers;
}

} /* namespace */

Result<CaptureSetup> setUpCapture(const std::shared_ptr<CaptureQueue> &queue, const Plan &plan,
				  const std::string &name, const GstVideoInfo &info)
{
	CaptureSetup setup;
	Result<CaptureBuffers> buffers = Error(EINVAL, "no buffers");
	V4l2Memory memory = plan.allocator == AllocatorKind::ProducerExport ? V4l2Memory::Mmap
									    : V4l2Memory::DmaBuf;
	{
		std::lock_guard<std::mutex> locker(queue->lock);
		V4l2Device &camera = queue->device;
		buffers = memory == V4l2Memory::Mmap
				  ? exportBuffers(camera, plan, info)
				  : importBuffers(camera, plan, name, info, setup);
		if (!buffers) {
			(void)camera.requestBuffers(V4l2Direction::Capture, memory, 0);
			return buffers.error();
		}
	}
	setup.pool = newCapturePool(queue, std::move(*buffers), nullptr);
	if (Status queued = queueAll(setup.pool); !queued) {
		tearDownCapture(*queue, setup.pool);
		gst_object_unref(setup.pool);
		return queued.error();
	}
	return setup;
}

void tearDownCapture(CaptureQueue &queue, GstBufferPool *pool)
{
	retire(pool); /* before the queue's lock: a release takes the pool's lock first */
	std::lock_guard<std::mutex> locker(queue.lock);
	if (queue.streaming)
		(void)queue.device.streamOff(V4l2Direction::Capture);
	queue.streaming = false;
	(void)queue.device.requestBuffers(V4l2Direction::Capture, buffersOf(pool).memory, 0);
}

void setFrameRates(GstStructure *structure, const V4l2Device &device, uint32_t fourcc,
		   const V4l2FrameSize &size)
{
	/* A range of sizes: the rates at its largest, which its smaller sizes allow too. */
	std::vector<V4l2FrameInterval> intervals =
		device.frameIntervals(fourcc, size.maxWidth, size.maxHeight);
	if (intervals.empty()) {
		gst_structure_set(structure, "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT,
				  1, nullptr);
		return;
	}
	if (!intervals.front().discrete()) {
		const V4l2FrameInterval &range = intervals.front();
		gst_structure_set(structure, "framerate", GST_TYPE_FRACTION_RANGE,
				  int(range.maxDenominator), int(range.maxNumerator),
				  int(range.minDenominator), int(range.minNumerator), nullptr);
		return;
	}
	/* Fastest first: fixation takes the first, as upstream v4l2src prefers the fastest. */
	std::sort(intervals.begin(), intervals.end(), [](const auto &a, const auto &b) {
		return uint64_t(a.minNumerator) * b.minDenominator <
		       uint64_t(b.minNumerator) * a.minDenominator;
	});
	GValue list = G_VALUE_INIT, rate = G_VALUE_INIT;
	g_value_init(&list, GST_TYPE_LIST);
	g_value_init(&rate, GST_TYPE_FRACTION);
	for (const V4l2FrameInterval &interval : intervals) {
		gst_value_set_fraction(&rate, int(interval.minDenominator),
				       int(interval.minNumerator));
		gst_value_list_append_value(&list, &rate);
	}
	gst_structure_set_value(structure, "framerate",
				gst_value_list_get_size(&list) == 1 ? &rate : &list);
	g_value_unset(&rate);
	g_value_unset(&list);
}

} /* namespace dmabridge::gst */
