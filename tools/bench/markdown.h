/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pieces of BENCHMARKS.md's tables that every section writes alike. */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "callgrind.h"

namespace dmabridge::bench {

/* value with decimals, or "-" for a figure not measured (negative, or not a number). */
std::string fixed(double value, int decimals = 2);

/* The span callgrind counted: "from frame 10 to frame 45 of a 50-frame run". */
std::string countedSpan(unsigned first, unsigned last, unsigned frames);

/* "640x480" */
std::string sizeName(uint32_t width, uint32_t height);

/* One list of callgrind's costliest functions, as a table with unit as the figure's name. */
std::string functionTable(const std::vector<FunctionCost> &functions, const char *unit);

} /* namespace dmabridge::bench */
