/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string_view>
#include <vector>

#include <dmabridge/dmabuf.h>
#include <dmabridge/error.h>
#include <dmabridge/layout.h>
#include <dmabridge/plan.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/* A plan's buffers and the layout they really have (a DRM driver picks its own pitch). */
struct AllocatedBuffers
{
	std::vector<DmaBuf> buffers;
	Layout layout;
	/* What allocation did that the plan didn't say (another heap), in words; or empty. */
	std::string note;
	/* The buffers are physically contiguous: they came from a CMA heap. */
	bool contiguous = false;
};

/*
 * Allocates plan.bufferCount buffers where the plan says: from its heap, or as dumb
 * buffers of its DRM device. A ProducerExport plan is carried out by the producer
 * (V4L2 MMAP + EXPBUF), not here: that returns EINVAL. Buffers are named for debugfs.
 *
 * All or nothing: when one allocation fails, those made before it are freed. When a CMA
 * heap runs out and no device needs contiguous memory (the heap was chosen for an address
 * limit that all of RAM lies below), the scatter-gather heap is used and note says so;
 * otherwise the error names the heap, the sizes asked and free, and who needs the memory.
 */
Result<AllocatedBuffers> allocateBuffers(const Plan &plan, std::string_view name);

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
