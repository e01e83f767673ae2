/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Caps from the format table: dma-buf memory first, then system memory. */
#pragma once

#include <vector>

#include <gst/gst.h>

#include <dmabridge/constraints.h>

#include "caps_dialect.h"

namespace dmabridge::gst {

/* Frame sizes from the minimum to the maximum in each dimension (one size if equal). */
struct SizeRange
{
	uint32_t minWidth, minHeight, maxWidth, maxHeight;
};

/*
 * video/x-raw(memory:DMABuf) and video/x-raw with these formats: of the given sizes in
 * their order, or of any size when there are none.
 */
GstCaps *capsFor(const std::vector<FormatModifiers> &formats,
		 const std::vector<SizeRange> &sizes = {});

/*
 * Of othercaps (taken), the caps that cost least to produce from the fixed caps: the same
 * format before a conversion, the same size before another; else the smallest size that
 * holds the frame, else the nearest. When converting, a size the peer's caps (kept, may
 * be null) list on its own that holds the frame comes before one the peer takes only
 * within a range, which it may crop. Width and height come out fixed.
 */
GstCaps *cheapestCaps(GstCaps *caps, GstCaps *othercaps, GstCaps *peer = nullptr);

/* caps narrowed by a caps query's filter (both taken/kept as GStreamer does): in the
 * filter's order when filterFirst, else in caps' own. */
GstCaps *applyFilter(GstCaps *caps, GstCaps *filter, bool filterFirst = true);

/*
 * set_caps for every element: caps parsed into video, or an error on element saying why
 * (then the caps are refused).
 */
bool takeVideoCaps(GstElement *element, GstCaps *caps, VideoCaps &video);

/* The same for every format of the table: pad templates. */
GstCaps *allFormatsCaps();

} /* namespace dmabridge::gst */
