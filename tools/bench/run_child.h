/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

namespace dmabridge::bench {

/* Plays description (its sink named "sink") to EOS; prints what it measured. */
int runChild(const std::string &description, unsigned warmup);

} /* namespace dmabridge::bench */
