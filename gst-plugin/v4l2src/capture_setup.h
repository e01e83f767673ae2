/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A plan carried out on a V4L2 capture queue (format, frame rate, buffers, all queued),
 * and the frame rates the queue offers, as caps.
 */
#pragma once

#include <string>

#include <gst/gst.h>
#include <gst/video/video.h>

#include <dmabridge/plan.h>

#include "capture_pool.h"

namespace dmabridge::gst {

struct CaptureSetup
{
	GstBufferPool *pool = nullptr; /* the caller's reference */
	std::string note;              /* what allocation did that the plan didn't say */
	bool contiguous = false;       /* allocated (not exported) buffers are contiguous */
};

/*
 * Sets the format and frame rate info asks for, makes the plan's buffers (allocated,
 * or the device's own exported), queues them all and returns them as a pool. On failure
 * the queue holds no buffers.
 */
Result<CaptureSetup> setUpCapture(const std::shared_ptr<CaptureQueue> &queue, const Plan &plan,
				  const std::string &name, const GstVideoInfo &info);

/* Stops the queue and frees its buffers; pool's buffers are never queued again. */
void tearDownCapture(CaptureQueue &queue, GstBufferPool *pool);

/*
 * Sets "framerate" on a caps structure of one format and size: the rates the device
 * lists there (VIDIOC_ENUM_FRAMEINTERVALS), fastest first, or their range; any rate when
 * it lists none (then none can be set either).
 */
void setFrameRates(GstStructure *structure, const V4l2Device &device, uint32_t fourcc,
		   const V4l2FrameSize &size);

} /* namespace dmabridge::gst */
