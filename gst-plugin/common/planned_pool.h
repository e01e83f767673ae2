/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A GstBufferPool whose buffers are allocated where a Plan says (a heap, or a DRM
 * device's dumb buffers): dma-buf memory with the plan's layout in a GstVideoMeta.
 */
#pragma once

#include <gst/gst.h>

#include <dmabridge/plan.h>

#include "stats.h"

namespace dmabridge::gst {

/* A new pool (floating reference dropped: the caller owns one). Counts into stats. */
GstBufferPool *newPlannedPool(const Plan &plan, ElementStats *stats);

/* The plan a pool was made for, or null when the pool is not ours. */
const Plan *planOf(GstBufferPool *pool);

} /* namespace dmabridge::gst */
