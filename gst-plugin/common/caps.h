/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Caps from the format table: dma-buf memory first, then system memory. */
#pragma once

#include <vector>

#include <gst/gst.h>

#include <dmabridge/constraints.h>

namespace dmabridge::gst {

/*
 * video/x-raw(memory:DMABuf) and video/x-raw with these formats: of the given sizes, or
 * of any size when there are none.
 */
GstCaps *capsFor(const std::vector<FormatModifiers> &formats,
		 const std::vector<std::pair<uint32_t, uint32_t>> &sizes = {});

/* The same for every format of the table: pad templates. */
GstCaps *allFormatsCaps();

} /* namespace dmabridge::gst */
