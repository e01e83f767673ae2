/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

namespace dmabridge::bench {

/*
 * Plays description (its sink named "sink") to EOS; prints what it measured. last is the
 * frame where the span callgrind counts ends (a few before the run's end, so that a frame
 * lost on the way doesn't lose the count); 0: a timed run, with no such span.
 */
int runChild(const std::string &description, unsigned warmup, unsigned last);

} /* namespace dmabridge::bench */
