/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "callgrind.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace dmabridge::bench {

namespace {

/* The marker functions of callgrind_markers.h, in the order a run calls them. */
constexpr const char *kMarkers = " --zero-before=dmabridge_bench_startup_begins"
				 " --dump-before=dmabridge_bench_startup_ends"
				 " --zero-before=dmabridge_bench_frames_begin"
				 " --dump-before=dmabridge_bench_frames_end";

/* One part callgrind wrote: what made it write it, its total, and cost by function. */
struct Part
{
	std::string trigger;
	double total = -1;
	std::map<std::string, double> self; /* "object: function" -> own instructions */
};

/* "(id) name" or "(id)": the name, remembered by id on its first appearance. */
std::string compressed(const std::string &text, std::map<std::string, std::string> &names)
{
	if (text.empty() || text[0] != '(')
		return text;
	size_t close = text.find(')');
	std::string id = text.substr(0, close + 1);
	if (close + 2 < text.size())
		names[id] = text.substr(close + 2);
	return names[id];
}

/*
 * Reads a callgrind output file (format version 1, one event: Ir). A cost line is
 * "POSITION COST"; the one after a "calls=" line is the inclusive cost of that call, which
 * is not the calling function's own.
 */
Part readPart(const std::string &path)
{
	Part part;
	std::ifstream file(path);
	std::map<std::string, std::string> objects, functions;
	std::string object, function, line;
	bool callCost = false;
	while (std::getline(file, line)) {
		if (line.rfind("desc: Trigger: ", 0) == 0)
			part.trigger = line.substr(15);
		else if (line.rfind("totals: ", 0) == 0)
			part.total = std::atof(line.c_str() + 8);
		else if (line.rfind("ob=", 0) == 0)
			object = compressed(line.substr(3), objects);
		else if (line.rfind("fn=", 0) == 0)
			function = compressed(line.substr(3), functions);
		else if (line.rfind("cob=", 0) == 0)
			compressed(line.substr(4), objects);
		else if (line.rfind("cfn=", 0) == 0)
			compressed(line.substr(4), functions);
		else if (line.rfind("calls=", 0) == 0)
			callCost = true;
		else if (!line.empty() && (std::isdigit(line[0]) || std::strchr("+-*", line[0]))) {
			size_t space = line.find(' ');
			if (!callCost && space != std::string::npos)
				part.self[std::filesystem::path(object).filename().string() + ": " +
					  function] += std::atof(line.c_str() + space + 1);
			callCost = false;
		}
	}
	return part;
}

std::vector<FunctionCost> costliest(const Part &part, double frames, unsigned count)
{
	std::vector<FunctionCost> all;
	for (const auto &[name, cost] : part.self)
		all.push_back({ name, cost / frames });
	std::sort(all.begin(), all.end(), [](const FunctionCost &a, const FunctionCost &b) {
		return a.perFrame > b.perFrame;
	});
	all.resize(std::min<size_t>(all.size(), count));
	return all;
}

} /* namespace */

bool haveCallgrind()
{
	return std::system("valgrind --version >/dev/null 2>&1") == 0;
}

Instructions countInstructions(const std::string &command, unsigned counted, unsigned topCount)
{
	Instructions result;
	char pattern[] = "/tmp/dmabridge-callgrind.XXXXXX";
	if (!mkdtemp(pattern)) {
		result.error = "no temporary directory";
		return result;
	}
	std::string dir = pattern, out = dir + "/callgrind.out";
	std::string run =
		"timeout -k 10 3000 valgrind --tool=callgrind --callgrind-out-file=" + out +
		kMarkers + " " + command + " >" + dir + "/log 2>&1";
	int status = std::system(run.c_str());
	for (const char *suffix : { ".1", ".2" }) {
		Part part = readPart(out + suffix);
		if (part.trigger.ends_with("dmabridge_bench_startup_ends")) {
			result.startup = part.total;
			result.startupTop = costliest(part, 1, topCount);
		}
		if (part.trigger.ends_with("dmabridge_bench_frames_end") && counted) {
			result.perFrame = part.total / counted;
			result.top = costliest(part, counted, topCount);
		}
	}
	if (result.perFrame < 0)
		result.error =
			"callgrind counted no frames (exit status " + std::to_string(status) + ")";
	std::filesystem::remove_all(dir);
	return result;
}

} /* namespace dmabridge::bench */
