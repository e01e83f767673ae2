/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The CPU's access to a frame's pixels, counted in the element's statistics: through
 * CpuAccess (a mapping inside the sync ioctl) when the frame is one dma-buf, through
 * gst_buffer_map when it is system memory (no device shares its cache, so nothing is
 * synced). A frame of several dma-bufs is refused: GStreamer would map it by merging its
 * memories into a copy nobody counts.
 */
#pragma once

#include <optional>

#include <gst/gst.h>
#include <gst/video/video.h>

#include <dmabridge/dmabuf.h>
#include <dmabridge/layout.h>

#include "caps_dialect.h"
#include "stats.h"

namespace dmabridge::gst {

class FrameAccess
{
public:
	FrameAccess(GstBuffer *buffer, const VideoCaps &video, CpuAccessMode mode,
		    ElementStats &stats);
	~FrameAccess();
	FrameAccess(const FrameAccess &) = delete;
	FrameAccess &operator=(const FrameAccess &) = delete;

	bool isValid() const { return error_.code() == 0; }
	const Error &error() const { return error_; }
	std::span<const uint8_t> read() const { return pixels_; }
	/* Empty unless the mode includes Write. */
	std::span<uint8_t> write() const;
	/* Where the planes are in read() and write(). */
	const Layout &layout() const { return layout_; }

private:
	CpuAccessMode mode_;
	std::optional<CpuAccess> dmabuf_;
	GstBuffer *mapped_ = nullptr;
	GstMapInfo map_ = {};
	std::span<uint8_t> pixels_;
	Layout layout_;
	Error error_;
};

/*
 * The elements' one CPU copy of a frame: from's pixels (laid out as fromLayout) into to's
 * (toLayout), converted where the formats differ, counted in stats (a copy, its bytes).
 */
Result<uint64_t> copyCounted(std::span<const uint8_t> from, const Layout &fromLayout,
			     std::span<uint8_t> to, const Layout &toLayout, ElementStats &stats);

} /* namespace dmabridge::gst */
