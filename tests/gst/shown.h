/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What every pipeline test checks of what a dmabridgekmssink with readback=true showed. */
#pragma once

#include <gtest/gtest.h>

#include "../../tools/common/pipeline_run.h"

namespace dmabridge::test {

/*
 * The display's writeback equals the last frame shown, and that frame is a picture: a
 * blank frame equals a blank writeback too, so a match alone proves nothing.
 */
inline void expectShownRight(const tools::Stats &sink, uint64_t minColours = 5)
{
	EXPECT_EQ(sink["readback-differing-pixels"], 0u) << "the display showed other pixels";
	EXPECT_GE(sink["readback-colours"], minColours) << "the display showed a blank frame";
}

} /* namespace dmabridge::test */
