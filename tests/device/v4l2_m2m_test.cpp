/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Both queues of a memory-to-memory device importing dma-bufs: vim2m reads an output
 * buffer (CPU-written, RGB24) and writes a capture buffer (BGR24), converting by swapping
 * red and blue. The pixels on the capture side prove the device read ours.
 */
#include <array>
#include <cmath>
#include <functional>
#include <gtest/gtest.h>

#include <drm_fourcc.h>
#include <linux/videodev2.h>

#include <dmabridge/heap.h>
#include <dmabridge/plan.h>
#include <dmabridge/v4l2.h>
#include <dmabridge/v4l2_m2m.h>

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

/* The m2m core finds each of the board's devices by what it does. */
TEST(V4l2M2mCore, FindsTheBoardsDevicesByRole)
{
	Result<std::unique_ptr<V4l2M2m>> converter = V4l2M2m::find(M2mRole::Converter);
	DMABRIDGE_REQUIRE_DEVICE(converter.ok(), "vim2m");
	EXPECT_EQ((*converter)->device().name(), "vim2m");
	EXPECT_TRUE((*converter)->outputConstraints().acceptsFormat(DRM_FORMAT_BGR888));
	EXPECT_TRUE((*converter)->captureConstraints().acceptsFormat(DRM_FORMAT_RGB565));
	EXPECT_TRUE((*converter)->codedFormats().empty());

	for (M2mRole role : { M2mRole::Decoder, M2mRole::Encoder }) {
		Result<std::unique_ptr<V4l2M2m>> codec = V4l2M2m::find(role, V4L2_PIX_FMT_FWHT);
		ASSERT_TRUE(codec.ok()) << codec.error().describe();
		EXPECT_EQ((*codec)->device().driver(), "vicodec");
		EXPECT_EQ((*codec)->role(), role);
		const DeviceConstraints &raw = role == M2mRole::Decoder
						       ? (*codec)->captureConstraints()
						       : (*codec)->outputConstraints();
		EXPECT_TRUE(raw.acceptsFormat(DRM_FORMAT_XRGB8888)) << m2mRoleName(role);
	}
	Result<std::unique_ptr<V4l2M2m>> h264 = V4l2M2m::find(M2mRole::Decoder, V4L2_PIX_FMT_H264);
	ASSERT_FALSE(h264.ok());
	EXPECT_NE(h264.error().message().find("vicodec"), std::string::npos)
		<< "the error lists the m2m devices seen: " << h264.error().message();
}

/* Takes steps until the device drained, calling frame for each frame it gave. */
void untilDrained(V4l2M2m &m2m, const std::function<void(const M2mFrame &)> &frame,
		  bool *sourceChanged = nullptr)
{
	for (int steps = 0; steps < 1000; steps++) {
		Result<M2mActivity> activity = m2m.step(20000, -1);
		ASSERT_TRUE(activity.ok()) << activity.error().describe();
		for (const M2mFrame &f : activity->frames)
			frame(f);
		if (sourceChanged && activity->sourceChanged) {
			*sourceChanged = true;
			return;
		}
		if (activity->drained)
			return;
	}
	FAIL() << m2m.label() << " never drained";
}

/*
 * 640x476 through vicodec's encoder and decoder with the core alone: the encoder reads
 * 480 lines and encodes 476 (its crop); the decoder's source change gives 480 coded lines
 * and a visible rectangle of 476; each drain ends with the last buffer.
 */
TEST(V4l2M2mCore, EncodesAndDecodesAFrameWithItsVisibleRectangle)
{
	Result<std::unique_ptr<V4l2M2m>> enc = V4l2M2m::find(M2mRole::Encoder, V4L2_PIX_FMT_FWHT);
	DMABRIDGE_REQUIRE_DEVICE(enc.ok(), "vicodec's encoder");
	V4l2M2m &encoder = **enc;
	Result<Layout> raw =
		encoder.setRawFormat(V4l2Direction::Output, DRM_FORMAT_XRGB8888, 640, 476);
	ASSERT_TRUE(raw.ok()) << raw.error().describe();
	EXPECT_EQ(raw->planes[0].size / raw->planes[0].stride, 480u) << "whole blocks of 8 lines";
	ASSERT_TRUE(encoder.setEncoderCrop({ 0, 0, 640, 476 }).ok());
	ASSERT_TRUE(
		encoder.setCodedFormat(V4l2Direction::Capture, V4L2_PIX_FMT_FWHT, 640, 476).ok());
	ASSERT_TRUE(encoder.allocateCodedCapture(2).ok());
	ASSERT_TRUE(encoder.startCapture().ok());
	ASSERT_TRUE(encoder.subscribeEvents().ok());
	ASSERT_TRUE(encoder.allocateOutput(0, 2, nullptr, *raw).ok());
	auto pixel = [](uint32_t x, uint32_t y) {
		return std::array<uint8_t, 3>{ uint8_t(x / 3), uint8_t(y / 2),
					       uint8_t((x + y) / 5) };
	};
	Status queued = encoder.queueStaged(
		[&](std::span<uint8_t> target, const Layout &layout) -> Result<uint32_t> {
			for (uint32_t y = 0; y < 480; y++)
				for (uint32_t x = 0; x < 640; x++) {
					uint8_t *p =
						target.data() + y * layout.planes[0].stride + 4 * x;
					auto rgb = pixel(x, y);
					p[0] = rgb[2], p[1] = rgb[1], p[2] = rgb[0], p[3] = 0xff;
				}
			return uint32_t(layout.bufferSize(0));
		},
		42, nullptr);
	ASSERT_TRUE(queued.ok()) << queued.error().describe();
	ASSERT_TRUE(encoder.drain().ok());
	std::vector<uint8_t> coded;
	untilDrained(encoder, [&](const M2mFrame &frame) {
		EXPECT_EQ(frame.timestamp, 42u) << "the timestamp travels with the frame";
		CpuAccess read(encoder.captureBuffers()[frame.index][0], CpuAccessMode::Read);
		coded.assign(read.read().begin(), read.read().begin() + frame.bytesUsed);
	});
	ASSERT_FALSE(coded.empty()) << "no compressed frame";

	Result<std::unique_ptr<V4l2M2m>> dec = V4l2M2m::find(M2mRole::Decoder, V4L2_PIX_FMT_FWHT);
	ASSERT_TRUE(dec.ok()) << dec.error().describe();
	V4l2M2m &decoder = **dec;
	Result<V4l2Format> input =
		decoder.setCodedFormat(V4l2Direction::Output, V4L2_PIX_FMT_FWHT, 0, 0);
	ASSERT_TRUE(input.ok()) << input.error().describe();
	ASSERT_TRUE(decoder.subscribeEvents().ok());
	ASSERT_TRUE(decoder.allocateOutput(0, 2, nullptr, {}, input->sizeImage).ok());
	ASSERT_TRUE(
		decoder.queueStaged(
			       [&](std::span<uint8_t> target, const Layout &) -> Result<uint32_t> {
				       std::copy(coded.begin(), coded.end(), target.begin());
				       return uint32_t(coded.size());
			       },
			       7, nullptr)
			.ok());
	bool changed = false;
	untilDrained(
		decoder, [](const M2mFrame &) {}, &changed);
	ASSERT_TRUE(changed) << "no V4L2_EVENT_SOURCE_CHANGE";
	V4l2Rect visible;
	Result<Layout> decoded = decoder.decodedFormat({ DRM_FORMAT_XRGB8888 }, &visible);
	ASSERT_TRUE(decoded.ok()) << decoded.error().describe();
	EXPECT_EQ(decoded->height, 480u);
	EXPECT_EQ(visible, (V4l2Rect{ 0, 0, 640, 476 }));
	Result<Plan> plan = Planner().plan({ decoder.captureConstraints(),
					     {},
					     DRM_FORMAT_XRGB8888,
					     640,
					     480,
					     2,
					     listHeaps() });
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	ASSERT_TRUE(decoder.allocateCapture(*plan, *decoded).ok());
	ASSERT_TRUE(decoder.startCapture().ok());
	ASSERT_TRUE(decoder.drain().ok());
	double squares = 0;
	unsigned frames = 0;
	untilDrained(decoder, [&](const M2mFrame &frame) {
		frames++;
		EXPECT_EQ(frame.timestamp, 7u);
		CpuAccess read(decoder.captureBuffers()[frame.index][0], CpuAccessMode::Read);
		for (uint32_t y = 0; y < 476; y++)
			for (uint32_t x = 0; x < 640; x++) {
				const uint8_t *p =
					read.read().data() + y * decoded->planes[0].stride + 4 * x;
				auto rgb = pixel(x, y);
				for (int c = 0; c < 3; c++) {
					double d = double(p[2 - c]) - rgb[c];
					squares += d * d;
				}
			}
	});
	ASSERT_EQ(frames, 1u);
	double psnr = 10 * std::log10(255.0 * 255 / (squares / (640.0 * 476 * 3)));
	EXPECT_GT(psnr, 30) << "the decoded frame is not the one encoded";
}

} /* namespace */
