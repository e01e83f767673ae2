/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library path without GStreamer: dmabridge-library-loop (library_loop.h) shows
 * vivid-000 on vkms with the library's API alone, each way a camera application would:
 * non-blocking commits and their flip events (as dmabridgekmssink) through libv4l2 or
 * opening the camera directly, and blocking commits (as the libcamera example).
 */
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "callgrind.h"

namespace dmabridge::bench {

struct LibraryResult
{
	std::string name; /* "flip, libv4l2", ... */
	uint32_t width = 0, height = 0;
	double instructionsPerFrame = -1; /* user space, from callgrind */
	double startupInstructions = -1;  /* set-up to the first frame shown */
	double ioctlsPerFrame = -1, pollsPerFrame = -1, allocationsPerFrame = -1;
	std::string writeback; /* "same", or what differed */
	std::string error;
	std::vector<FunctionCost> top; /* where a frame's instructions go (the first row) */
};

/*
 * Runs each way at each size: once for the calls, the allocations and the writeback, and
 * once under callgrind. loop is the dmabridge-library-loop program. Each result is also
 * appended to raw.
 */
std::vector<LibraryResult> runLibrary(const std::string &loop,
				      const std::vector<std::pair<uint32_t, uint32_t>> &sizes,
				      std::string &raw);

/* A raw line ("library\t..." or "library-top\t...") into results; false if it isn't one. */
bool readLibraryLine(const std::string &line, std::vector<LibraryResult> &results);

/* The library path's section of BENCHMARKS.md. */
std::string libraryTable(const std::vector<LibraryResult> &results);

} /* namespace dmabridge::bench */
