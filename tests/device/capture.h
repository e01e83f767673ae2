/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers device tests share to capture from V4L2 into planned buffers. */
#pragma once

#include <cstdint>
#include <gtest/gtest.h>
#include <vector>

#include <dmabridge/allocator.h>
#include <dmabridge/heap.h>
#include <dmabridge/plan.h>
#include <dmabridge/v4l2.h>

namespace dmabridge::test {

inline constexpr uint8_t kSentinel = 0xa5;

/* One buffer of size bytes from the first contiguous (CMA) or scatter-gather heap. */
Result<DmaBuf> heapBuffer(bool contiguous, size_t size, const char *name);

/* The plan's buffers from its heap, each filled with kSentinel through the sync scope. */
std::vector<DmaBuf> allocateFromHeap(const Plan &plan);

/* REQBUFS for the buffers and QBUF of each; the first failure is returned. */
Status queueAll(V4l2Device &device, const std::vector<DmaBuf> &buffers, const Layout &layout);

/*
 * One frame captured into buffers (queued all, streamed on, one dequeued, streamed off):
 * the index of the buffer that holds it.
 */
Result<unsigned> captureOne(V4l2Device &camera, const std::vector<DmaBuf> &buffers,
			    const Layout &layout);

/* Bytes of the frame still holding kSentinel: a device that wrote it leaves few. */
size_t untouchedBytes(const DmaBuf &buffer, size_t size);

/*
 * Two RGB frames of one size show the same picture: no pixel differs in colour (X is
 * ignored), and it is a picture, with several colours, not a blank (two blank frames
 * match too, which would prove nothing).
 */
::testing::AssertionResult samePicture(const DmaBuf &a, const Layout &la, const DmaBuf &b,
				       const Layout &lb);

/* Number of open file descriptors of this process. */
size_t openFdCount();

/* This process's resident memory, from /proc/self/status. */
uint64_t rssBytes();

/* dma-bufs alive in the whole system, from debugfs's bufinfo; -1 when it isn't mounted. */
long liveDmaBufs();

} /* namespace dmabridge::test */
