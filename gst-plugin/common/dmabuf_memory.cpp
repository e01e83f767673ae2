/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "dmabuf_memory.h"

namespace dmabridge::gst {

namespace {

GQuark dmaBufQuark()
{
	static GQuark quark = g_quark_from_static_string("dmabridge-dmabuf");
	return quark;
}

GstAllocator *allocator()
{
	static GstAllocator *dmabuf = gst_dmabuf_allocator_new();
	return dmabuf;
}

} /* namespace */

GstMemory *wrapDmaBuf(const DmaBuf &buffer, uint64_t used)
{
	UniqueFd fd = buffer.fd().duplicate();
	if (!fd)
		return nullptr;
	GstMemory *memory = gst_dmabuf_allocator_alloc(allocator(), fd.release(), buffer.size());
	if (used < buffer.size())
		gst_memory_resize(memory, 0, gsize(used));
	gst_mini_object_set_qdata(GST_MINI_OBJECT(memory), dmaBufQuark(), new DmaBuf(buffer),
				  [](gpointer data) { delete static_cast<DmaBuf *>(data); });
	return memory;
}

gsize frameBytes(const Layout &layout)
{
	gsize bytes = 0;
	for (unsigned b = 0; b < layout.buffers; b++)
		bytes += gsize(layout.bufferSize(b));
	return bytes;
}

void appendFrameMemories(GstBuffer *gstBuffer, std::span<const DmaBuf> buffers,
			 const Layout &layout)
{
	for (size_t b = 0; b < buffers.size(); b++)
		gst_buffer_append_memory(gstBuffer,
					 wrapDmaBuf(buffers[b], layout.bufferSize(unsigned(b))));
}

const DmaBuf *dmaBufOf(GstMemory *memory)
{
	/* libcamerasrc wraps dma-bufs as plain fd memory: any fd memory may be one. */
	if (!memory || !gst_is_fd_memory(memory))
		return nullptr;
	auto *known = static_cast<DmaBuf *>(
		gst_mini_object_get_qdata(GST_MINI_OBJECT(memory), dmaBufQuark()));
	if (known)
		return known;
	Result<DmaBuf> buffer =
		DmaBuf::fromFd(SharedFd::duplicateOf(gst_dmabuf_memory_get_fd(memory)));
	if (!buffer)
		return nullptr;
	auto *made = new DmaBuf(std::move(*buffer));
	gst_mini_object_set_qdata(GST_MINI_OBJECT(memory), dmaBufQuark(), made,
				  [](gpointer data) { delete static_cast<DmaBuf *>(data); });
	return made;
}

GstMemory *shareDmaBuf(GstMemory *memory, gsize size)
{
	GstMemory *part = gst_memory_share(memory, 0, gssize(size));
	if (const DmaBuf *known = dmaBufOf(memory))
		gst_mini_object_set_qdata(
			GST_MINI_OBJECT(part), dmaBufQuark(), new DmaBuf(*known),
			[](gpointer data) { delete static_cast<DmaBuf *>(data); });
	return part;
}

void dmaBufsOf(GstBuffer *buffer, std::vector<DmaBuf> &into)
{
	into.clear();
	for (guint i = 0; i < gst_buffer_n_memory(buffer); i++) {
		const DmaBuf *dmabuf = dmaBufOf(gst_buffer_peek_memory(buffer, i));
		if (!dmabuf) {
			into.clear();
			return;
		}
		into.push_back(*dmabuf);
	}
}

std::vector<DmaBuf> dmaBufsOf(GstBuffer *buffer)
{
	std::vector<DmaBuf> buffers;
	dmaBufsOf(buffer, buffers);
	return buffers;
}

GstVideoFormat gstFormat(uint32_t fourcc)
{
	const FormatInfo *info = formatFromDrm(fourcc);
	if (!info || info->gst.empty())
		return GST_VIDEO_FORMAT_UNKNOWN;
	return gst_video_format_from_string(std::string(info->gst).c_str());
}

uint32_t drmFormat(GstVideoFormat format)
{
	const FormatInfo *info = formatFromGst(gst_video_format_to_string(format));
	return info ? info->drm : 0;
}

Result<Layout> layoutOf(GstBuffer *buffer, const VideoCaps &video)
{
	const GstVideoInfo &info = video.info;
	Layout layout;
	layout.fourcc = video.fourcc;
	layout.modifier = video.modifier;
	layout.width = GST_VIDEO_INFO_WIDTH(&info);
	layout.height = GST_VIDEO_INFO_HEIGHT(&info);
	layout.planeCount = GST_VIDEO_INFO_N_PLANES(&info);

	GstVideoMeta *meta = buffer ? gst_buffer_get_video_meta(buffer) : nullptr;
	if (!meta && video.modifier != kModifierLinear)
		return Error(EINVAL, "a " + drmFormatString(video.fourcc, video.modifier) +
					     " frame came without GstVideoMeta: its strides and "
					     "offsets are unknown");
	guint memories = buffer ? gst_buffer_n_memory(buffer) : 1;
	layout.buffers = memories > 1 ? memories : 1;
	for (unsigned p = 0; p < layout.planeCount; p++) {
		gsize offset = meta ? meta->offset[p] : GST_VIDEO_INFO_PLANE_OFFSET(&info, p);
		gint stride = meta ? meta->stride[p] : GST_VIDEO_INFO_PLANE_STRIDE(&info, p);
		PlaneLayout &plane = layout.planes[p];
		plane.stride = uint32_t(stride);
		plane.size = uint64_t(stride) * GST_VIDEO_INFO_COMP_HEIGHT(&info, p);
		if (layout.buffers > 1) {
			/* Offsets count across memories: find the memory this plane starts in. */
			guint index = 0, length = 0;
			gsize skip = 0;
			if (gst_buffer_find_memory(buffer, offset, 1, &index, &length, &skip)) {
				plane.buffer = index;
				plane.offset = skip;
				continue;
			}
		}
		plane.offset = offset;
	}
	/*
	 * Without a GstVideoMeta, GStreamer's default strides are assumed; a buffer too small
	 * for them but large enough for tightly packed lines can only be that (libcamerasrc
	 * 0.0.3 sends vimc's 3834-byte BGR lines with no meta, where the default is 3836).
	 */
	const FormatInfo *format = layout.format();
	if (!meta && buffer && format && gst_buffer_get_size(buffer) < layout.bufferSize(0)) {
		Result<Layout> tight = layoutFromStride(layout.fourcc, layout.width, layout.height,
							layout.width * format->bytesPerPixel[0]);
		if (tight && tight->buffers == layout.buffers &&
		    tight->bufferSize(0) <= gst_buffer_get_size(buffer))
			layout = *tight;
	}
	/* A memory may start inside its dma-buf: planes are where the dma-buf has them. */
	for (unsigned p = 0; buffer && p < layout.planeCount; p++) {
		GstMemory *memory = gst_buffer_peek_memory(buffer, layout.planes[p].buffer);
		if (memory)
			layout.planes[p].offset += memory->offset;
	}
	return layout;
}

void addVideoMeta(GstBuffer *buffer, const Layout &layout)
{
	gsize offsets[GST_VIDEO_MAX_PLANES] = {};
	gint strides[GST_VIDEO_MAX_PLANES] = {};
	gsize base[3] = {};
	for (unsigned b = 1; b < layout.buffers && b < 3; b++)
		base[b] = base[b - 1] + gst_buffer_peek_memory(buffer, b - 1)->size;
	for (unsigned p = 0; p < layout.planeCount; p++) {
		offsets[p] = gsize(base[layout.planes[p].buffer] + layout.planes[p].offset);
		strides[p] = gint(layout.planes[p].stride);
	}
	gst_buffer_add_video_meta_full(buffer, GST_VIDEO_FRAME_FLAG_NONE, gstFormat(layout.fourcc),
				       layout.width, layout.height, layout.planeCount, offsets,
				       strides);
}

} /* namespace dmabridge::gst */
