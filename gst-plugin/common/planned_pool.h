/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A GstBufferPool whose buffers are allocated where a Plan says (a heap, or a DRM
 * device's dumb buffers): dma-buf memory with the plan's layout in a GstVideoMeta.
 */
#pragma once

#include <optional>
#include <vector>

#include <gst/gst.h>

#include <dmabridge/plan.h>

#include "caps_dialect.h"
#include "stats.h"

namespace dmabridge::gst {

/*
 * What an element asks the planner: count buffers of video's format and size, made by
 * producer for consumers, from the heaps this machine has.
 */
PlanRequest planRequest(DeviceConstraints producer, std::vector<DeviceConstraints> consumers,
			const VideoCaps &video, unsigned count, std::string countReason = {});

/*
 * A new pool (floating reference dropped: the caller owns one), configured for caps (may be
 * null) with min to max buffers (0: no limit) and GstVideoMeta. Counts into stats.
 */
GstBufferPool *newPlannedPool(const Plan &plan, ElementStats *stats, GstCaps *caps, guint min,
			      guint max);

/*
 * Answers an ALLOCATION query from whatever is upstream: when it asks for a pool and a
 * zero-copy plan of count buffers for consumers exists, offers a pool of that plan. held
 * is how many of upstream's buffers the element may keep at once (the query's minimum):
 * upstream must have more, or it waits for one while the element waits for its next.
 * importer, when known, is the device upstream that will write into the pool's buffers
 * (peer_devices.h: importerUpstream()): the plan is for it too.
 */
void offerPlannedPool(GstElement *element, GstQuery *query,
		      const std::vector<DeviceConstraints> &consumers, unsigned count,
		      ElementStats *stats, unsigned held = 2,
		      const std::optional<DeviceConstraints> &importer = std::nullopt);

/* The plan a pool was made for, or null when the pool is not ours. */
const Plan *planOf(GstBufferPool *pool);

} /* namespace dmabridge::gst */
