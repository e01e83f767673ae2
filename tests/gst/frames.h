/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Frames read back from a pipeline as 8-bit RGB, to compare what a codec gave with what
 * went in: the peak signal-to-noise ratio, and whether a frame is a picture at all.
 */
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <gst/gst.h>

namespace dmabridge::test {

struct RgbFrame
{
	uint32_t width = 0, height = 0;
	std::vector<uint8_t> rgb; /* R, G, B per pixel, packed */
	GstClockTime pts = GST_CLOCK_TIME_NONE;

	bool empty() const { return rgb.empty(); }
};

/*
 * The buffer's pixels (BGRx, BGRA, RGB, BGR or RGB16), through the sync scope when it is a
 * dma-buf, else through a map; its GstVideoMeta's strides when it has one.
 */
RgbFrame readFrame(GstBuffer *buffer, GstCaps *caps);
/* The same for a buffer passing pad, in the pad's current caps. */
RgbFrame readFrame(GstPad *pad, GstBuffer *buffer);

/* Peak signal-to-noise ratio in dB over frames of one size; 99 when they are equal. */
double psnr(const RgbFrame &a, const RgbFrame &b);

/* Distinct colours on every 8th line: a blank frame has one or two. */
size_t distinctColours(const RgbFrame &frame);

/* The same frame with red and blue swapped: what a format mix-up would show. */
RgbFrame swappedRedBlue(RgbFrame frame);

/* Every frame of a pipeline ending in "appsink name=out", in order. */
std::vector<RgbFrame> pullFrames(const std::string &description, unsigned count);

/*
 * Compares, by timestamp, each frame reaching the sink pad of one element with the frame
 * that left the source pad of another: the frames of a lossy codec against the camera's.
 */
class FrameComparer
{
public:
	FrameComparer(GstElement *pipeline, const char *source, const char *sink);

	struct Result
	{
		uint64_t compared = 0;
		uint64_t unmatched = 0; /* frames without a source frame of their timestamp */
		double minPsnr = 99;
		double maxSwappedPsnr = 0; /* the same against red and blue swapped */
		size_t minColours = SIZE_MAX;
	};
	Result result() const;

private:
	void sourceFrame(GstPad *pad, GstBuffer *buffer);
	void sinkFrame(GstPad *pad, GstBuffer *buffer);

	mutable std::mutex lock_;
	std::map<GstClockTime, RgbFrame> pending_;
	Result result_;
};

} /* namespace dmabridge::test */
