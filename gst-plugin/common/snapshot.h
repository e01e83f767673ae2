/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Frames compared and saved: how elements prove what a display showed. */
#pragma once

#include <cstdint>
#include <string>

#include <dmabridge/dmabuf.h>
#include <dmabridge/layout.h>

namespace dmabridge::gst {

/* Pixels of two RGB frames of one format and size that differ (alpha/X ignored). */
uint64_t differingPixels(const DmaBuf &a, const Layout &la, const DmaBuf &b, const Layout &lb,
			 SyncCounter *syncCounter);

/* Pixels of an RGB frame outside rect that are not black. */
uint64_t pixelsNotBlackOutside(const DmaBuf &buffer, const Layout &layout, const Rect &rect,
			       SyncCounter *syncCounter);

/* Distinct colours on every 16th line of an RGB frame: a blank frame has one. */
uint64_t distinctColours(const DmaBuf &buffer, const Layout &layout, SyncCounter *syncCounter);

/* Writes an RGB frame as a PNG through GStreamer's pngenc. */
Status writePng(const std::string &path, const DmaBuf &buffer, const Layout &layout,
		SyncCounter *syncCounter);

} /* namespace dmabridge::gst */
