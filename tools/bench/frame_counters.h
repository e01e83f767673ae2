/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The counters of an interval of frames: system calls by kind and heap allocations, read
 * so that the map of calls (which allocates) is made outside the interval.
 */
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace dmabridge::bench {

struct FrameCounters
{
	std::map<std::string, uint64_t> calls;
	uint64_t allocations = 0;
	/* Calls of kind since start. */
	uint64_t since(const FrameCounters &start, const std::string &kind) const;
};

/* At the start of an interval: the calls, then the allocations. */
FrameCounters countersAtStart();
/* At its end: the allocations, then the calls. */
FrameCounters countersAtEnd();

} /* namespace dmabridge::bench */
