/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

namespace dmabridge::bench {

/*
 * Plays description (its sink named "sink") to EOS; prints what it measured. frames is the
 * run's last frame (its num-buffers), where the span callgrind counts ends; 0: not known.
 */
int runChild(const std::string &description, unsigned warmup, unsigned frames);

} /* namespace dmabridge::bench */
