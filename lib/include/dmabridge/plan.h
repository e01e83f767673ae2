/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <dmabridge/constraints.h>
#include <dmabridge/error.h>
#include <dmabridge/heap.h>
#include <dmabridge/layout.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/* Who allocates the buffers every device then shares. */
enum class AllocatorKind
{
	Heap,           /* a dma-buf heap; every device imports */
	ProducerExport, /* the producer allocates and exports (V4L2 MMAP + EXPBUF) */
	DrmDumb,        /* a DRM device allocates dumb buffers and exports them (PRIME) */
};
const char *allocatorName(AllocatorKind kind);

struct PlanRequest
{
	DeviceConstraints producer;
	std::vector<DeviceConstraints> consumers;
	uint32_t fourcc = 0;
	uint32_t width = 0;
	uint32_t height = 0;
	unsigned bufferCount = 4;
	/* The heaps there are to allocate from (listHeaps()). */
	std::vector<HeapInfo> heaps;
	/* Why bufferCount buffers, in words, for the explanation; may be empty. */
	std::string bufferCountReason;
	/*
	 * The page size of the machine the buffers are for, which every allocation is a
	 * whole number of; 0: this machine's (sysconf). A board profile's when planning for
	 * another board (Raspberry Pi 5: 16 KiB).
	 */
	uint32_t pageSize = 0;
};

/*
 * The decision for one stream of buffers: who allocates, from where, in which layout,
 * and whether a copy can't be avoided. explanation holds the reasons, in plain words.
 */
struct Plan
{
	AllocatorKind allocator = AllocatorKind::Heap;
	HeapInfo heap;                /* when allocator == Heap */
	std::string allocatingDevice; /* heap name, producer name or DRM device node */
	Layout layout;
	Alignment alignment;     /* what the layout satisfies */
	uint64_t bufferSize = 0; /* bytes of each allocation */
	unsigned bufferCount = 0;
	bool contiguous = false; /* physically contiguous memory was needed */
	/* What the allocator hands out is physically contiguous (a CMA heap, or a producer
	 * that exports contiguous buffers), needed or not. */
	bool buffersContiguous = false;
	uint64_t addressLimit = 0; /* memory must lie below this (0: anywhere) */
	/* Why a CMA heap: who needs contiguous (or low) memory and how the library knows. */
	std::string cmaReason;
	bool cpuCached = true; /* CPU access needs the sync ioctl */

	/* No buffer suits every device: frames are copied once, for copyReason. */
	bool copy = false;
	std::string copyReason;
	/* What would make a zero-copy plan possible. */
	std::vector<std::string> remedies;

	std::vector<std::string> explanation;
	std::string explain() const;
};

/* A plan that was carried out, and what the kernel's refusal of an earlier one taught. */
struct CarriedOutPlan
{
	Plan plan;
	/* Why the first plan was given up, in words; empty when it was carried out at once. */
	std::string learned;
};

/*
 * Plans allocations for a producer and its consumers, and learns from imports the
 * kernel refused: a V4L2 queue that fails a scattered buffer with EFAULT, or a DRM
 * device that fails one with EINVAL, needs contiguous memory, whatever its probe said.
 */
class Planner
{
public:
	Result<Plan> plan(const PlanRequest &request) const;

	/*
	 * An import of a buffer (contiguous or not) into device failed with err. Returns
	 * what was learned, in words, or an empty string when the failure teaches nothing
	 * (then re-planning won't help and the error is final).
	 */
	std::string learnFromImportFailure(const std::string &device, bool v4l2,
					   bool bufferWasContiguous, int err);

	/*
	 * Plans for request and hands the plan to carryOut (allocate, import, queue), which
	 * says whether the buffers it used were physically contiguous: it is told what the
	 * plan's allocator hands out, and corrects that when the allocation differed (a CMA
	 * heap that ran out, and the system heap's pages instead). When the kernel refuses
	 * the buffers, learns what the refusal teaches about the producer (a V4L2 device):
	 * only scattered buffers refused say it needs contiguous memory. Then plans once
	 * more; when that fails too, the error gives both reasons.
	 */
	using CarryOut = std::function<Status(const Plan &plan, bool &buffersContiguous)>;
	Result<CarriedOutPlan> planAndCarryOut(const PlanRequest &request,
					       const CarryOut &carryOut);

	/* The device as the planner sees it: probed constraints plus what it learned. */
	DeviceConstraints withLearned(DeviceConstraints device) const;

private:
	std::map<std::string, std::string> learnedContiguous_; /* device -> why */
};

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
