/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Each reliability case records what it tried and what came of it (the error text, or
 * the figures) as GoogleTest properties; tools/reliability/report turns them into
 * RELIABILITY.md.
 */
#pragma once

#include <gtest/gtest.h>
#include <string>

namespace dmabridge::test {

inline void recordOutcome(const std::string &tried, const std::string &outcome)
{
	::testing::Test::RecordProperty("tried", tried);
	::testing::Test::RecordProperty("outcome", outcome);
}

} /* namespace dmabridge::test */
