/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string_view>
#include <vector>

#include <dmabridge/dmabuf.h>
#include <dmabridge/error.h>
#include <dmabridge/layout.h>
#include <dmabridge/plan.h>

namespace dmabridge {

/* A plan's buffers and the layout they really have (a DRM driver picks its own pitch). */
struct AllocatedBuffers
{
	std::vector<DmaBuf> buffers;
	Layout layout;
};

/*
 * Allocates plan.bufferCount buffers where the plan says: from its heap, or as dumb
 * buffers of its DRM device. A ProducerExport plan is carried out by the producer
 * (V4L2 MMAP + EXPBUF), not here: that returns EINVAL. Buffers are named for debugfs.
 */
Result<AllocatedBuffers> allocateBuffers(const Plan &plan, std::string_view name);

} /* namespace dmabridge */
