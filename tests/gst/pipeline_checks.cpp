/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pipeline_checks.h"

#include <gtest/gtest.h>

#include "shown.h"

namespace dmabridge::test {

void expectDisplayed(const tools::PipelineRun &run, uint64_t frames)
{
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &sink = run.stats.at("sink");
	ASSERT_TRUE(sink.present) << "no dmabridge-stats from the sink";
	EXPECT_EQ(sink["frames"], frames);
	expectShownRight(sink);
}

void expectZeroCopy(const tools::Stats &stats, const std::string &who)
{
	EXPECT_EQ(stats["copies"], 0u) << who << ": " << stats.explanation;
	EXPECT_EQ(stats["bytes-copied"], 0u) << who;
	EXPECT_EQ(stats["sync-calls"], 0u) << who << " touched frames with the CPU";
}

} /* namespace dmabridge::test */
