/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "library_rows.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "markdown.h"
#include "run_child.h"

namespace dmabridge::bench {

namespace {

/* Each way, and the loop's options for it. */
struct Way
{
	const char *name;
	const char *options;
};

constexpr Way kWays[] = {
	{ "flip, libv4l2", "--show flip --access libv4l2" },
	{ "flip, direct", "--show flip --access direct" },
	{ "blocking, libv4l2", "--show blocking --access libv4l2" },
};

/* Frames of the plain run and of the counted one, each counted from the warm-up frame. */
constexpr unsigned kTimed = 200, kCounted = 60, kWarmup = 10;

std::string loopCommand(const std::string &loop, const Way &way, uint32_t width, uint32_t height,
			unsigned frames)
{
	return loop + " --camera vivid-000 --display vkms --size " + sizeName(width, height) +
	       " --frames " + std::to_string(frames) + " --warmup " + std::to_string(kWarmup) +
	       " " + way.options;
}

/* The text after "key " in output, empty when there is none. */
std::string outputText(const std::string &output, const std::string &key)
{
	std::istringstream lines(output);
	for (std::string line; std::getline(lines, line);)
		if (line.rfind(key + " ", 0) == 0)
			return line.substr(key.size() + 1);
	return "";
}

LibraryResult measure(const std::string &loop, const Way &way, uint32_t width, uint32_t height,
		      bool profile)
{
	LibraryResult result{ way.name, width, height };
	std::string output =
		capture("timeout -k 10 900 " + loopCommand(loop, way, width, height, kTimed));
	result.error = outputText(output, "error");
	if (outputValue(output, "frames") != kTimed && result.error.empty())
		result.error = "fewer frames than asked";
	if (!result.error.empty())
		return result;
	result.ioctlsPerFrame = outputValue(output, "ioctls-per-frame");
	result.pollsPerFrame = outputValue(output, "polls-per-frame");
	result.allocationsPerFrame = outputValue(output, "allocations-per-frame");
	result.writeback = outputText(output, "writeback");
	Instructions counted = countInstructions(loopCommand(loop, way, width, height, kCounted),
						 kCounted - kWarmup, profile ? 15 : 0);
	result.instructionsPerFrame = counted.perFrame;
	result.startupInstructions = counted.startup;
	result.top = counted.top;
	return result;
}

} /* namespace */

std::vector<LibraryResult> runLibrary(const std::string &loop,
				      const std::vector<std::pair<uint32_t, uint32_t>> &sizes,
				      std::string &raw)
{
	std::vector<LibraryResult> results;
	for (auto [width, height] : sizes)
		for (const Way &way : kWays) {
			std::fprintf(stderr, "bench: the library path, %s, %ux%u...\n", way.name,
				     width, height);
			LibraryResult r = measure(loop, way, width, height, results.empty());
			char line[1024];
			std::snprintf(line, sizeof(line),
				      "library\t%s\t%u\t%u\t%f\t%f\t%f\t%f\t%f\t%s\t%s\n",
				      r.name.c_str(), width, height, r.instructionsPerFrame,
				      r.startupInstructions, r.ioctlsPerFrame, r.pollsPerFrame,
				      r.allocationsPerFrame, r.writeback.c_str(), r.error.c_str());
			raw += line;
			for (const FunctionCost &function : r.top)
				raw += "library-top\t" + std::to_string(function.perFrame) + "\t" +
				       function.name + "\n";
			results.push_back(r);
		}
	return results;
}

bool readLibraryLine(const std::string &line, std::vector<LibraryResult> &results)
{
	std::vector<std::string> f = tabFields(line);
	if (f.size() == 3 && f[0] == "library-top" && !results.empty()) {
		results.back().top.push_back({ f[2], std::atof(f[1].c_str()) });
		return true;
	}
	if (f.size() < 9 || f[0] != "library")
		return false;
	LibraryResult r{ f[1], uint32_t(std::atoi(f[2].c_str())),
			 uint32_t(std::atoi(f[3].c_str())) };
	r.instructionsPerFrame = std::atof(f[4].c_str());
	r.startupInstructions = std::atof(f[5].c_str());
	r.ioctlsPerFrame = std::atof(f[6].c_str());
	r.pollsPerFrame = std::atof(f[7].c_str());
	r.allocationsPerFrame = std::atof(f[8].c_str());
	r.writeback = f.size() > 9 ? f[9] : "";
	r.error = f.size() > 10 ? f[10] : "";
	results.push_back(r);
	return true;
}

std::string libraryTable(const std::vector<LibraryResult> &results)
{
	std::string text =
		"dmabridge-library-loop shows vivid-000 on vkms (XRGB8888) with the library's API "
		"alone (tools/bench/library_loop.h): non-blocking commits and their flip events, "
		"as dmabridgekmssink commits, through libv4l2 or opening the camera directly; and "
		"blocking commits, as the libcamera example does. Instructions are counted by "
		"callgrind " +
		countedSpan(kWarmup, kCounted, kCounted) +
		", start-up from the loop's set-up to its "
		"first frame shown; calls and heap allocations (every library's, counted by "
		"replacing the allocator) from frame " +
		std::to_string(kWarmup) + " of a " + std::to_string(kTimed) +
		"-frame run of its own; the writeback is the display read back at the end against "
		"the last frame.\n\n"
		"| way | size | instructions/frame | start-up M instructions | ioctls/frame | "
		"polls/frame | allocations/frame | writeback | result |\n"
		"|---|---|---|---|---|---|---|---|---|\n";
	for (const LibraryResult &r : results)
		text += "| " + r.name + " | " + sizeName(r.width, r.height) + " | " +
			fixed(r.instructionsPerFrame, 0) + " | " +
			fixed(r.startupInstructions >= 0 ? r.startupInstructions / 1e6 : -1, 1) +
			" | " + fixed(r.ioctlsPerFrame) + " | " + fixed(r.pollsPerFrame) + " | " +
			fixed(r.allocationsPerFrame) + " | " + r.writeback + " | " +
			(r.error.empty() ? "ok" : "fails: " + r.error) + " |\n";
	for (const LibraryResult &r : results)
		if (!r.top.empty())
			text += "\nWhere a frame's instructions go (" + r.name + ", " +
				sizeName(r.width, r.height) + "), by their own instructions:\n\n" +
				functionTable(r.top, "instructions/frame");
	return text;
}

} /* namespace dmabridge::bench */
