/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Both queues of a memory-to-memory device importing dma-bufs: vim2m reads an output
 * buffer (CPU-written, RGB24) and writes a capture buffer (BGR24), converting by swapping
 * red and blue. The pixels on the capture side prove the device read ours.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/heap.h>
#include <dmabridge/v4l2.h>

#include "board.h"

using namespace dmabridge;

namespace {

constexpr uint32_t kWidth = 640;
constexpr uint32_t kHeight = 480;

TEST(V4l2M2m, Vim2mImportsOnBothQueues)
{
	Result<V4l2Device> m2m = V4l2Device::openByName("vim2m");
	DMABRIDGE_REQUIRE_DEVICE(m2m.ok(), m2m.error().message());
	ASSERT_TRUE(m2m->hasCapture() && m2m->hasOutput());
	Result<DeviceConstraints> input = m2m->probe(V4l2Direction::Output);
	Result<DeviceConstraints> output = m2m->probe(V4l2Direction::Capture);
	ASSERT_TRUE(input.ok() && output.ok());
	EXPECT_EQ(input->role, "V4L2 output");
	/* V4L2 RGB24 is R,G,B in memory: DRM calls it BGR888. */
	ASSERT_TRUE(input->acceptsFormat(DRM_FORMAT_BGR888));
	ASSERT_TRUE(output->acceptsFormat(DRM_FORMAT_RGB888));
	EXPECT_FALSE(output->needsContiguousMemory()) << "vim2m uses vb2-vmalloc";

	Result<Layout> inLayout = m2m->setFormat(
		V4l2Direction::Output, *computeLayout(DRM_FORMAT_BGR888, kWidth, kHeight));
	ASSERT_TRUE(inLayout.ok()) << inLayout.error().describe();
	Result<Layout> outLayout = m2m->setFormat(
		V4l2Direction::Capture, *computeLayout(DRM_FORMAT_RGB888, kWidth, kHeight));
	ASSERT_TRUE(outLayout.ok()) << outLayout.error().describe();

	Result<DmaHeap> heap = DmaHeap::open(*findHeap(false));
	ASSERT_TRUE(heap.ok());
	Result<DmaBuf> source = heap->allocate(inLayout->bufferSize(0), "m2m-source");
	Result<DmaBuf> destination = heap->allocate(outLayout->bufferSize(0), "m2m-destination");
	ASSERT_TRUE(source.ok() && destination.ok());
	{
		CpuAccess access(*source, CpuAccessMode::Write);
		for (uint32_t y = 0; y < kHeight; y++) {
			uint8_t *line = access.write().data() + y * inLayout->planes[0].stride;
			for (uint32_t x = 0; x < kWidth; x++) {
				line[3 * x + 0] = uint8_t(x); /* R */
				line[3 * x + 1] = uint8_t(y); /* G */
				line[3 * x + 2] = 0x40;       /* B */
			}
		}
	}

	ASSERT_TRUE(m2m->requestBuffers(V4l2Direction::Output, V4l2Memory::DmaBuf, 1).ok());
	ASSERT_TRUE(m2m->requestBuffers(V4l2Direction::Capture, V4l2Memory::DmaBuf, 1).ok());
	Status in = m2m->queueDmaBuf(V4l2Direction::Output, 0, { &*source, 1 }, *inLayout,
				     uint32_t(inLayout->bufferSize(0)));
	ASSERT_TRUE(in.ok()) << in.error().describe();
	Status out = m2m->queueDmaBuf(V4l2Direction::Capture, 0, { &*destination, 1 }, *outLayout);
	ASSERT_TRUE(out.ok()) << out.error().describe();
	ASSERT_TRUE(m2m->streamOn(V4l2Direction::Output).ok());
	ASSERT_TRUE(m2m->streamOn(V4l2Direction::Capture).ok());

	Result<V4l2Dequeued> done = m2m->dequeue(V4l2Direction::Capture, V4l2Memory::DmaBuf, 20000);
	ASSERT_TRUE(done.ok()) << done.error().describe();
	Result<V4l2Dequeued> consumed =
		m2m->dequeue(V4l2Direction::Output, V4l2Memory::DmaBuf, 20000);
	ASSERT_TRUE(consumed.ok()) << consumed.error().describe();
	EXPECT_TRUE(m2m->streamOff(V4l2Direction::Capture).ok());
	EXPECT_TRUE(m2m->streamOff(V4l2Direction::Output).ok());

	CpuAccess access(*destination, CpuAccessMode::Read);
	size_t wrong = 0;
	for (uint32_t y = 0; y < kHeight; y++) {
		const uint8_t *line = access.read().data() + y * outLayout->planes[0].stride;
		for (uint32_t x = 0; x < kWidth; x++)
			wrong += line[3 * x + 0] != 0x40 || line[3 * x + 1] != uint8_t(y) ||
				 line[3 * x + 2] != uint8_t(x);
	}
	EXPECT_EQ(wrong, 0u) << "vim2m's BGR24 output is not our RGB24 input with R and B swapped";
}

} /* namespace */
