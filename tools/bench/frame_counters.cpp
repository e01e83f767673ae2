/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "frame_counters.h"

#include "allocation_counter.h"
#include "syscall_counter.h"

namespace dmabridge::bench {

uint64_t FrameCounters::since(const FrameCounters &start, const std::string &kind) const
{
	auto now = calls.find(kind), then = start.calls.find(kind);
	if (now == calls.end() || then == start.calls.end())
		return 0;
	return now->second - then->second;
}

FrameCounters countersAtStart()
{
	FrameCounters now;
	now.calls = syscallCounts();
	now.allocations = allocationCount();
	return now;
}

FrameCounters countersAtEnd()
{
	FrameCounters now;
	now.allocations = allocationCount();
	now.calls = syscallCounts();
	return now;
}

} /* namespace dmabridge::bench */
