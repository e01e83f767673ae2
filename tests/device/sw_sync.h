/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A software sync timeline (CONFIG_SW_SYNC, /sys/kernel/debug/sync/sw_sync): sync_files
 * that signal only when the test advances the timeline past their value, or when the
 * timeline is closed (then with an error). The board's kernels have it.
 */
#pragma once

#include <cstdint>

#include <dmabridge/error.h>
#include <dmabridge/unique_fd.h>

namespace dmabridge::test {

class SwSyncTimeline
{
public:
	static Result<SwSyncTimeline> open();

	/* A sync_file that signals once the timeline reaches value. */
	Result<UniqueFd> fence(uint32_t value) const;
	/* Moves the timeline on by steps, signalling the fences it passes. */
	Status advance(uint32_t steps = 1);
	uint32_t value() const { return value_; }
	/* Closes the timeline: every fence not signalled yet signals, with an error. */
	void close() { fd_.reset(); }

private:
	UniqueFd fd_;
	uint32_t value_ = 0;
};

/* Whether a sync_file has signalled. */
bool fenceSignalled(int fence);

} /* namespace dmabridge::test */
