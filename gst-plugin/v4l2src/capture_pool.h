/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The buffers of a V4L2 capture queue as a GstBufferPool: one GstBuffer per V4L2 buffer,
 * its dma-buf memories and GstVideoMeta made once, handed out when the device filled it
 * and queued again when it comes back, as upstream's V4L2 pool does.
 */
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include <gst/gst.h>

#include <dmabridge/v4l2.h>

namespace dmabridge::gst {

/*
 * The capture queue, shared by the element and its pools: a buffer that comes back after
 * the element stopped finds the stream stopped and is not queued again.
 */
struct CaptureQueue
{
	std::mutex lock;
	V4l2Device device;
	bool streaming = false;
	bool stopped = false;

	explicit CaptureQueue(V4l2Device camera) : device(std::move(camera)) {}
};

/* What the queue's buffers are: how they are backed, their layout, their dma-bufs. */
struct CaptureBuffers
{
	V4l2Memory memory = V4l2Memory::DmaBuf;
	Layout layout;
	std::vector<std::vector<DmaBuf>> buffers; /* per V4L2 index, one per layout buffer */
};

/*
 * A pool (the caller owns one reference) over the queue's buffers, which are already
 * requested (REQBUFS) but not yet queued: queueAll() queues them.
 *
 * A GstBuffer goes back to the device when it is released, unless a shallow copy of it
 * (gst_buffer_copy, make_writable, videorate's duplicates) still holds its memory: then
 * the V4L2 buffer waits until the last holder of that memory lets go, so the device never
 * writes into a frame still in use.
 */
GstBufferPool *newCapturePool(std::shared_ptr<CaptureQueue> queue, CaptureBuffers buffers,
			      GstCaps *caps);

/* Queues every buffer (QBUF); the first failure is returned. */
Status queueAll(GstBufferPool *pool);

/* The GstBuffer of V4L2 buffer index, which the device just filled (DQBUF). */
GstFlowReturn acquireCaptured(GstBufferPool *pool, unsigned index, GstBuffer **buffer);

/* Queues index again without handing it out (its frame was copied instead). */
void requeue(GstBufferPool *pool, unsigned index);

/* Its buffers will never be queued again: the queue was freed (renegotiation, stop). */
void retire(GstBufferPool *pool);

const CaptureBuffers &buffersOf(GstBufferPool *pool);

} /* namespace dmabridge::gst */
