/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "frame_access.h"

#include <dmabridge/frame_copy.h>

#include "dmabuf_memory.h"

namespace dmabridge::gst {

namespace {

/*
 * Where a system-memory frame's planes are in its mapping: GstVideoMeta's offsets count
 * from the start of the buffer, which is where gst_buffer_map's mapping starts.
 */
Result<Layout> systemLayout(GstBuffer *buffer, const VideoCaps &video)
{
	const GstVideoInfo &info = video.info;
	Result<Layout> layout = layoutOf(nullptr, video);
	GstVideoMeta *meta = gst_buffer_get_video_meta(buffer);
	if (!layout || !meta)
		return layout;
	for (unsigned p = 0; p < layout->planeCount; p++) {
		layout->planes[p].offset = meta->offset[p];
		layout->planes[p].stride = uint32_t(meta->stride[p]);
		layout->planes[p].size =
			uint64_t(meta->stride[p]) * GST_VIDEO_INFO_COMP_HEIGHT(&info, p);
	}
	return layout;
}

} /* namespace */

FrameAccess::FrameAccess(GstBuffer *buffer, const VideoCaps &video, CpuAccessMode mode,
			 ElementStats &stats)
	: mode_(mode)
{
	std::vector<DmaBuf> dmabufs = dmaBufsOf(buffer);
	if (dmabufs.size() > 1) {
		error_ = Error(EINVAL, "the CPU can't copy a frame of " +
					       std::to_string(dmabufs.size()) +
					       " dma-bufs (a buffer per plane)");
		return;
	}
	Result<Layout> layout =
		dmabufs.empty() ? systemLayout(buffer, video) : layoutOf(buffer, video);
	if (!layout) {
		error_ = layout.error();
		return;
	}
	layout_ = *layout;
	stats.cpuAccesses++;
	if (!dmabufs.empty()) {
		dmabuf_.emplace(dmabufs[0], mode, &stats.syncCalls);
		if (!dmabuf_->isValid()) {
			error_ = dmabuf_->error();
			return;
		}
		pixels_ = { const_cast<uint8_t *>(dmabuf_->read().data()), dmabuf_->read().size() };
		return;
	}
	auto flags = GstMapFlags((mode == CpuAccessMode::Read ? 0 : GST_MAP_WRITE) |
				 (mode == CpuAccessMode::Write ? 0 : GST_MAP_READ));
	if (!gst_buffer_map(buffer, &map_, flags)) {
		error_ = Error(EIO, "cannot map a frame of system memory");
		return;
	}
	mapped_ = buffer;
	pixels_ = { map_.data, map_.size };
}

FrameAccess::~FrameAccess()
{
	if (mapped_)
		gst_buffer_unmap(mapped_, &map_);
}

std::span<uint8_t> FrameAccess::write() const
{
	return mode_ == CpuAccessMode::Read ? std::span<uint8_t>() : pixels_;
}

Result<uint64_t> copyCounted(std::span<const uint8_t> from, const Layout &fromLayout,
			     std::span<uint8_t> to, const Layout &toLayout, ElementStats &stats)
{
	Result<uint64_t> bytes = copyPixels(from, fromLayout, to, toLayout);
	if (bytes) {
		stats.copies++;
		stats.bytesCopied += *bytes;
	}
	return bytes;
}

} /* namespace dmabridge::gst */
