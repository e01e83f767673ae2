/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "gst_gl_readback.h"

#include <array>
#include <string>

#include <gst/gl/egl/gsteglimage.h>
#include <gst/gl/egl/gstglmemoryegl.h>
#include <gst/video/video.h>

namespace dmabridge::gst {

namespace {

uint8_t patternByte(unsigned plane, uint32_t x, uint32_t y)
{
	return uint8_t(x * 7 + y * 3 + plane * 85);
}

/* Bytes of a plane's line that are pixels (not the stride's padding). */
uint32_t lineBytes(const Layout &layout, unsigned plane)
{
	const FormatInfo *format = layout.format();
	return format->planeWidth(plane, layout.width) * format->bytesPerPixel[plane];
}

Status draw(const DmaBuf &buffer, const Layout &layout)
{
	CpuAccess access(buffer, CpuAccessMode::Write);
	if (!access.isValid())
		return access.error();
	for (unsigned p = 0; p < layout.planeCount; p++)
		for (uint32_t y = 0; y < layout.format()->planeHeight(p, layout.height); y++) {
			uint8_t *line = access.write().data() + layout.planes[p].offset +
					size_t(y) * layout.planes[p].stride;
			for (uint32_t x = 0; x < lineBytes(layout, p); x++)
				line[x] = patternByte(p, x, y);
		}
	return {};
}

struct Import
{
	int fd;
	const GstVideoInfo *info;
	const Layout *layout;
	std::array<GstEGLImage *, 3> images{};
};

/* In GStreamer GL's thread, as glupload creates its EGL images. */
void importPlanes(GstGLContext *context, gpointer data)
{
	Import &import = *static_cast<Import *>(data);
	for (unsigned p = 0; p < import.layout->planeCount; p++)
		import.images[p] =
			gst_egl_image_from_dmabuf(context, import.fd, import.info, gint(p),
						  gsize(import.layout->planes[p].offset));
}

/* Bytes of the mapped frame that differ from the pattern. */
uint64_t wrongBytes(const GstVideoFrame &frame, const Layout &layout)
{
	uint64_t wrong = 0;
	for (unsigned p = 0; p < layout.planeCount; p++)
		for (uint32_t y = 0; y < layout.format()->planeHeight(p, layout.height); y++) {
			const uint8_t *line = static_cast<const uint8_t *>(
						      GST_VIDEO_FRAME_PLANE_DATA(&frame, p)) +
					      size_t(y) * GST_VIDEO_FRAME_PLANE_STRIDE(&frame, p);
			for (uint32_t x = 0; x < lineBytes(layout, p); x++)
				wrong += line[x] != patternByte(p, x, y);
		}
	return wrong;
}

/* The imported planes as GL memory, mapped for reading; the wrong bytes counted. */
Result<uint64_t> readBack(GstGLContext *context, const GstVideoInfo &info, Import &import,
			  const Layout &layout)
{
	gst_gl_memory_egl_init_once();
	GstAllocator *allocator = gst_allocator_find(GST_GL_MEMORY_EGL_ALLOCATOR_NAME);
	GstGLVideoAllocationParams *params = gst_gl_video_allocation_params_new_wrapped_gl_handle(
		context, nullptr, &info, -1, nullptr, GST_GL_TEXTURE_TARGET_2D, GstGLFormat(0),
		nullptr, nullptr, nullptr);
	GstBuffer *buffer = gst_buffer_new();
	bool wrapped = gst_gl_memory_setup_buffer(
		GST_GL_MEMORY_ALLOCATOR(allocator), buffer, params, nullptr,
		reinterpret_cast<gpointer *>(import.images.data()), layout.planeCount);
	gst_gl_allocation_params_free(reinterpret_cast<GstGLAllocationParams *>(params));
	gst_object_unref(allocator);
	GstVideoFrame frame;
	Result<uint64_t> wrong = Error(EIO, "GStreamer GL could not wrap the EGL images");
	if (wrapped && gst_video_frame_map(&frame, &info, buffer, GST_MAP_READ)) {
		wrong = wrongBytes(frame, layout);
		gst_video_frame_unmap(&frame);
	} else if (wrapped) {
		wrong = Error(EIO, "GStreamer GL could not map its GL memory for reading");
	}
	gst_buffer_unref(buffer);
	return wrong;
}

} /* namespace */

Status gstGlReadsBack(GstGLContext *context, const DmaBuf &buffer, const Layout &layout)
{
	const FormatInfo *format = layout.format();
	GstVideoInfo info;
	if (!format || format->gst.empty() || layout.buffers != 1)
		return Error(ENOTSUP, "no single-buffer GStreamer format to try");
	std::string name(format->gst);
	gst_video_info_set_format(&info, gst_video_format_from_string(name.c_str()), layout.width,
				  layout.height);
	for (unsigned p = 0; p < layout.planeCount; p++) {
		GST_VIDEO_INFO_PLANE_OFFSET(&info, p) = gsize(layout.planes[p].offset);
		GST_VIDEO_INFO_PLANE_STRIDE(&info, p) = gint(layout.planes[p].stride);
	}
	if (Status drawn = draw(buffer, layout); !drawn)
		return drawn;
	Import import{ buffer.fd().get(), &info, &layout };
	gst_gl_context_thread_add(context, importPlanes, &import);
	Result<uint64_t> wrong =
		Error(EINVAL, "GStreamer GL's EGL refused to import a plane of the buffer");
	bool imported = true;
	for (unsigned p = 0; p < layout.planeCount; p++)
		imported = imported && import.images[p];
	if (imported)
		wrong = readBack(context, info, import, layout);
	for (GstEGLImage *image : import.images)
		if (image)
			gst_egl_image_unref(image);
	if (!wrong)
		return wrong.error();
	if (*wrong)
		return Error(EIO, "GStreamer GL read back " + std::to_string(*wrong) +
					  " bytes of a " + std::to_string(layout.width) + "x" +
					  std::to_string(layout.height) + " " + name +
					  " test frame wrong");
	return {};
}

} /* namespace dmabridge::gst */
