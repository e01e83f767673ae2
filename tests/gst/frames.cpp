/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "frames.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <gst/app/app.h>
#include <gst/video/video.h>

#include <dmabridge/dmabuf.h>

#include "../../gst-plugin/common/buffer_read.h"
#include "../../gst-plugin/common/dmabuf_memory.h"

namespace dmabridge::test {

namespace {

void pixelToRgb(const uint8_t *pixel, GstVideoFormat format, uint8_t *rgb)
{
	switch (format) {
	case GST_VIDEO_FORMAT_BGRx:
	case GST_VIDEO_FORMAT_BGRA:
	case GST_VIDEO_FORMAT_BGR:
		rgb[0] = pixel[2], rgb[1] = pixel[1], rgb[2] = pixel[0];
		return;
	case GST_VIDEO_FORMAT_RGB16: {
		unsigned value = pixel[0] | pixel[1] << 8;
		rgb[0] = uint8_t(((value >> 11) * 255 + 15) / 31);
		rgb[1] = uint8_t((((value >> 5) & 0x3f) * 255 + 31) / 63);
		rgb[2] = uint8_t(((value & 0x1f) * 255 + 15) / 31);
		return;
	}
	default: /* RGB, RGBx */
		rgb[0] = pixel[0], rgb[1] = pixel[1], rgb[2] = pixel[2];
	}
}

} /* namespace */

RgbFrame readFrame(GstBuffer *buffer, GstCaps *caps)
{
	RgbFrame frame;
	Result<gst::VideoCaps> video = gst::parseVideoCaps(caps);
	if (!video)
		return frame;
	const GstVideoInfo &info = video->info;
	gst::BufferRead read(buffer);
	std::span<const uint8_t> pixels = read.bytes();
	Result<Layout> layout = gst::layoutOf(read.dmaBuf() ? buffer : nullptr, *video);
	GstVideoMeta *meta = gst_buffer_get_video_meta(buffer);
	if (!read.dmaBuf() && meta && layout) {
		layout->planes[0].offset = meta->offset[0];
		layout->planes[0].stride = uint32_t(meta->stride[0]);
	}
	if (layout && !pixels.empty()) {
		GstVideoFormat format = GST_VIDEO_INFO_FORMAT(&info);
		unsigned bpp = GST_VIDEO_FORMAT_INFO_PSTRIDE(info.finfo, 0);
		const PlaneLayout &plane = layout->planes[0];
		if (plane.offset + uint64_t(plane.stride) * (info.height - 1) + bpp * info.width <=
		    pixels.size()) {
			frame.width = uint32_t(info.width);
			frame.height = uint32_t(info.height);
			frame.rgb.resize(size_t(frame.width) * frame.height * 3);
			for (uint32_t y = 0; y < frame.height; y++) {
				const uint8_t *line =
					pixels.data() + plane.offset + y * plane.stride;
				for (uint32_t x = 0; x < frame.width; x++)
					pixelToRgb(line + x * bpp, format,
						   &frame.rgb[(size_t(y) * frame.width + x) * 3]);
			}
		}
	}
	frame.pts = GST_BUFFER_PTS(buffer);
	return frame;
}

RgbFrame readFrame(GstPad *pad, GstBuffer *buffer)
{
	GstCaps *caps = gst_pad_get_current_caps(pad);
	RgbFrame frame = readFrame(buffer, caps);
	if (caps)
		gst_caps_unref(caps);
	return frame;
}

double psnr(const RgbFrame &a, const RgbFrame &b)
{
	if (a.width != b.width || a.height != b.height || a.empty())
		return 0;
	double squares = 0;
	for (size_t i = 0; i < a.rgb.size(); i++) {
		double d = double(a.rgb[i]) - double(b.rgb[i]);
		squares += d * d;
	}
	if (squares == 0)
		return 99;
	double mse = squares / double(a.rgb.size());
	return 10 * std::log10(255.0 * 255.0 / mse);
}

size_t distinctColours(const RgbFrame &frame)
{
	std::set<uint32_t> colours;
	for (uint32_t y = 0; y < frame.height; y += 8)
		for (uint32_t x = 0; x < frame.width; x++) {
			const uint8_t *p = &frame.rgb[(size_t(y) * frame.width + x) * 3];
			colours.insert(uint32_t(p[0]) << 16 | p[1] << 8 | p[2]);
		}
	return colours.size();
}

RgbFrame swappedRedBlue(RgbFrame frame)
{
	for (size_t i = 0; i + 2 < frame.rgb.size(); i += 3)
		std::swap(frame.rgb[i], frame.rgb[i + 2]);
	return frame;
}

std::vector<RgbFrame> pullFrames(const std::string &description, unsigned count)
{
	std::vector<RgbFrame> frames;
	GstElement *pipeline = gst_parse_launch(description.c_str(), nullptr);
	if (!pipeline)
		return frames;
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "out");
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	while (frames.size() < count) {
		GstSample *sample =
			gst_app_sink_try_pull_sample(GST_APP_SINK(sink), 60 * GST_SECOND);
		if (!sample)
			break;
		frames.push_back(
			readFrame(gst_sample_get_buffer(sample), gst_sample_get_caps(sample)));
		gst_sample_unref(sample);
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(sink);
	gst_object_unref(pipeline);
	return frames;
}

FrameComparer::FrameComparer(GstElement *pipeline, const char *source, const char *sink)
{
	auto probe = [&](const char *name, const char *padName, bool isSource) {
		GstElement *element = gst_bin_get_by_name(GST_BIN(pipeline), name);
		GstPad *pad = gst_element_get_static_pad(element, padName);
		gst_pad_add_probe(
			pad, GST_PAD_PROBE_TYPE_BUFFER,
			isSource ? +[](GstPad *p, GstPadProbeInfo *info, gpointer self) {
				static_cast<FrameComparer *>(self)->sourceFrame(
					p, GST_PAD_PROBE_INFO_BUFFER(info));
				return GST_PAD_PROBE_OK;
			}
				 : +[](GstPad *p, GstPadProbeInfo *info, gpointer self) {
					   static_cast<FrameComparer *>(self)->sinkFrame(
						   p, GST_PAD_PROBE_INFO_BUFFER(info));
					   return GST_PAD_PROBE_OK;
				   },
			this, nullptr);
		gst_object_unref(pad);
		gst_object_unref(element);
	};
	probe(source, "src", true);
	probe(sink, "sink", false);
}

void FrameComparer::sourceFrame(GstPad *pad, GstBuffer *buffer)
{
	RgbFrame frame = readFrame(pad, buffer);
	std::lock_guard<std::mutex> locker(lock_);
	pending_[frame.pts] = std::move(frame);
}

void FrameComparer::sinkFrame(GstPad *pad, GstBuffer *buffer)
{
	RgbFrame frame = readFrame(pad, buffer);
	std::lock_guard<std::mutex> locker(lock_);
	auto source = pending_.find(frame.pts);
	if (source == pending_.end()) {
		result_.unmatched++;
		return;
	}
	result_.compared++;
	result_.minPsnr = std::min(result_.minPsnr, psnr(frame, source->second));
	result_.maxSwappedPsnr =
		std::max(result_.maxSwappedPsnr, psnr(frame, swappedRedBlue(source->second)));
	result_.minColours = std::min(result_.minColours, distinctColours(frame));
	/* Frames come out in order: older ones will not be asked for. */
	pending_.erase(pending_.begin(), std::next(source));
}

FrameComparer::Result FrameComparer::result() const
{
	std::lock_guard<std::mutex> locker(lock_);
	return result_;
}

} /* namespace dmabridge::test */
