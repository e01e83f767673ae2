/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "snapshot.h"

#include <cstring>

#include <gst/app/app.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <dmabridge/frame_copy.h>

#include "dmabuf_memory.h"

namespace dmabridge::gst {

uint64_t differingPixels(const DmaBuf &a, const Layout &la, const DmaBuf &b, const Layout &lb,
			 SyncCounter *syncCounter)
{
	CpuAccess ra(a, CpuAccessMode::Read, syncCounter), rb(b, CpuAccessMode::Read, syncCounter);
	if (!ra.isValid() || !rb.isValid())
		return UINT64_MAX;
	return dmabridge::differingPixels(ra.read(), la, rb.read(), lb);
}

uint64_t pixelsNotBlackOutside(const DmaBuf &buffer, const Layout &layout, const Rect &rect,
			       SyncCounter *syncCounter)
{
	CpuAccess access(buffer, CpuAccessMode::Read, syncCounter);
	return access.isValid() ? dmabridge::pixelsNotBlackOutside(access.read(), layout, rect)
				: UINT64_MAX;
}

uint64_t distinctColours(const DmaBuf &buffer, const Layout &layout, SyncCounter *syncCounter)
{
	CpuAccess access(buffer, CpuAccessMode::Read, syncCounter);
	return access.isValid() ? dmabridge::distinctColours(access.read(), layout) : 0;
}

Status writePng(const std::string &path, const DmaBuf &buffer, const Layout &layout,
		SyncCounter *syncCounter)
{
	GstVideoFormat format = gstFormat(layout.fourcc);
	if (format == GST_VIDEO_FORMAT_UNKNOWN)
		return Error(EINVAL, "no GStreamer format for " + layout.describe());

	GError *error = nullptr;
	GstElement *pipeline = gst_parse_launch(
		"appsrc name=frame ! videoconvert ! pngenc ! filesink name=file", &error);
	if (!pipeline) {
		std::string why = error ? error->message : "unknown";
		g_clear_error(&error);
		return Error(ENOENT, "PNG pipeline: " + why + " (needs gstreamer1.0-plugins-good)");
	}
	GstElement *file = gst_bin_get_by_name(GST_BIN(pipeline), "file");
	g_object_set(file, "location", path.c_str(), nullptr);
	gst_object_unref(file);
	GstElement *source = gst_bin_get_by_name(GST_BIN(pipeline), "frame");
	GstVideoInfo info;
	gst_video_info_set_format(&info, format, layout.width, layout.height);
	GstCaps *caps = gst_video_info_to_caps(&info);
	gst_caps_set_simple(caps, "framerate", GST_TYPE_FRACTION, 0, 1, nullptr);
	g_object_set(source, "caps", caps, "format", GST_FORMAT_TIME, nullptr);
	gst_caps_unref(caps);

	/* A tightly packed system-memory copy: pngenc needs nothing else. */
	GstBuffer *frame = gst_buffer_new_allocate(nullptr, info.size, nullptr);
	{
		CpuAccess access(buffer, CpuAccessMode::Read, syncCounter);
		GstMapInfo map;
		gst_buffer_map(frame, &map, GST_MAP_WRITE);
		unsigned lineBytes = layout.width * layout.format()->bytesPerPixel[0];
		for (uint32_t y = 0; access.isValid() && y < layout.height; y++)
			std::memcpy(map.data + y * GST_VIDEO_INFO_PLANE_STRIDE(&info, 0),
				    access.read().data() + layout.planes[0].offset +
					    y * layout.planes[0].stride,
				    lineBytes);
		gst_buffer_unmap(frame, &map);
	}
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	gst_app_src_push_buffer(GST_APP_SRC(source), frame);
	gst_app_src_end_of_stream(GST_APP_SRC(source));
	gst_object_unref(source);

	GstBus *bus = gst_element_get_bus(pipeline);
	GstMessage *message = gst_bus_timed_pop_filtered(
		bus, 10 * GST_SECOND, GstMessageType(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
	Status status;
	if (!message || GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR)
		status = Error(EIO, "writing " + path + " failed");
	if (message)
		gst_message_unref(message);
	gst_object_unref(bus);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(pipeline);
	return status;
}

} /* namespace dmabridge::gst */
