/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One benchmark run, in a process of its own so that its CPU time and system calls are
 * its alone: plays a pipeline to EOS, and from the warm-up frame on (start-up excluded)
 * measures CPU time, system calls by kind and the bytes upstream elements report copying
 * on GST_PERFORMANCE; and start-up, from the pipeline in NULL to the first frame handed to
 * the display. Prints "key value" lines for the parent.
 *
 * Under callgrind (callgrind.h) the same run marks its two spans (callgrind_markers.h): the
 * instructions of start-up, and of the frames from the warm-up frame to the last.
 */
#include "run_child.h"

#include <algorithm>
#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <sstream>
#include <sys/resource.h>
#include <time.h>

#include "../common/pipeline_run.h"
#include "callgrind_markers.h"
#include "syscall_counter.h"

namespace dmabridge::bench {

namespace {

uint64_t monotonicUs()
{
	timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return uint64_t(now.tv_sec) * 1000000 + uint64_t(now.tv_nsec) / 1000;
}

struct Measure
{
	unsigned warmup = 0;
	unsigned last = 0; /* the frame where the counted span ends; 0: no span */
	uint64_t startUs = 0;
	std::atomic<uint64_t> firstShownUs{ 0 };
	std::atomic<unsigned> frames{ 0 };
	std::mutex lock;
	rusage start{}, end{};
	std::map<std::string, uint64_t> startCalls, endCalls;
	/* Upstream's copies so far, and at the first and last measured frame. */
	std::atomic<uint64_t> copyBytes{ 0 }, copies{ 0 };
	uint64_t startCopyBytes = 0, endCopyBytes = 0, startCopies = 0, endCopies = 0;
};

Measure *measure = nullptr;

void onFirstShown()
{
	dmabridge_bench_startup_ends();
	measure->firstShownUs = monotonicUs();
}

/* The figures at the warm-up frame (the start) or at a later one (the end so far). */
void snapshot(unsigned frame)
{
	std::lock_guard<std::mutex> locker(measure->lock);
	rusage now;
	getrusage(RUSAGE_SELF, &now);
	if (frame == measure->warmup) {
		measure->start = now;
		measure->startCalls = syscallCounts();
		measure->startCopyBytes = measure->copyBytes;
		measure->startCopies = measure->copies;
	} else {
		measure->end = now;
		measure->endCalls = syscallCounts();
		measure->endCopyBytes = measure->copyBytes;
		measure->endCopies = measure->copies;
	}
}

/*
 * A run whose last frame is known (the one callgrind counts) takes its figures at the two
 * ends of its span only, outside the span: the harness costs that run nothing a frame.
 */
GstPadProbeReturn onFrame(GstPad *, GstPadProbeInfo *, gpointer)
{
	unsigned frame = ++measure->frames;
	if (frame == 1)
		afterNextDisplayCommit(onFirstShown);
	if (frame == measure->last)
		dmabridge_bench_frames_end();
	if (frame >= measure->warmup &&
	    (!measure->last || frame == measure->warmup || frame == measure->last))
		snapshot(frame);
	if (frame == measure->warmup)
		dmabridge_bench_frames_begin();
	return GST_PAD_PROBE_OK;
}

/*
 * Upstream's copies: GST_PERFORMANCE "copy plane N, w:BYTES h:LINES" per plane copied;
 * plane 0 of each is one frame copied.
 */
void onLog(GstDebugCategory *category, GstDebugLevel, const gchar *, const gchar *, gint, GObject *,
	   GstDebugMessage *message, gpointer)
{
	if (std::strcmp(gst_debug_category_get_name(category), "GST_PERFORMANCE") != 0)
		return;
	const char *text = gst_debug_message_get(message);
	const char *plane = text ? std::strstr(text, "copy plane") : nullptr;
	const char *size = plane ? std::strstr(plane, "w:") : nullptr;
	unsigned w = 0, h = 0;
	if (size && std::sscanf(size, "w:%u h:%u", &w, &h) == 2)
		measure->copyBytes += uint64_t(w) * h;
	if (plane && std::strncmp(plane, "copy plane 0", 12) == 0)
		measure->copies++;
}

double microseconds(const timeval &t)
{
	return double(t.tv_sec) * 1e6 + double(t.tv_usec);
}

} /* namespace */

int runChild(const std::string &description, unsigned warmup, unsigned last)
{
	gst_debug_remove_log_function(gst_debug_log_default);
	/* Copies are read from the timed run: the counted one doesn't pay for the logging. */
	if (!last) {
		gst_debug_add_log_function(onLog, nullptr, nullptr);
		gst_debug_set_threshold_for_name("GST_PERFORMANCE", GST_LEVEL_MEMDUMP);
	}
	Measure state;
	state.warmup = warmup;
	state.last = last;
	measure = &state;

	tools::PipelineRun run = tools::runPipeline(description, 900, {}, [](GstElement *pipeline) {
		GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), "sink");
		GstPad *pad = gst_element_get_static_pad(sink, "sink");
		gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, onFrame, nullptr, nullptr);
		gst_object_unref(pad);
		gst_object_unref(sink);
		dmabridge_bench_startup_begins();
		measure->startUs = monotonicUs();
	});
	std::printf("finished %d\n", run.finished ? 1 : 0);
	std::string error = run.error;
	std::replace(error.begin(), error.end(), '\n', ' ');
	if (!error.empty())
		std::printf("error %s\n", error.c_str());
	unsigned shown = state.frames;
	unsigned measured = shown > warmup ? shown - warmup : 0;
	std::printf("frames %u\nmeasured %u\n", shown, measured);
	if (state.firstShownUs)
		std::printf("startup-us %" PRIu64 "\n", state.firstShownUs - state.startUs);
	if (measured) {
		std::printf("user-us %.0f\nsystem-us %.0f\n",
			    microseconds(state.end.ru_utime) - microseconds(state.start.ru_utime),
			    microseconds(state.end.ru_stime) - microseconds(state.start.ru_stime));
		for (const auto &[kind, count] : state.endCalls)
			std::printf("calls %s=%" PRIu64 "\n", kind.c_str(),
				    count - state.startCalls[kind]);
	}
	std::printf("framebuffers-added %" PRIu64 "\n", syscallCounts()["DRM_IOCTL_MODE_ADDFB2"]);
	if (measured)
		std::printf("performance-bytes %" PRIu64 "\nperformance-copies %" PRIu64 "\n",
			    state.endCopyBytes - state.startCopyBytes,
			    state.endCopies - state.startCopies);
	for (const auto &[element, stats] : run.stats)
		for (const auto &[field, value] : stats.numbers)
			std::printf("stats %s.%s=%" PRIu64 "\n", element.c_str(), field.c_str(),
				    value);
	std::fflush(stdout);
	return run.finished ? 0 : 1;
}

std::string childCommand(const std::string &self, const std::string &description, unsigned warmup,
			 unsigned last)
{
	return self + " --child '" + description + "' --warmup " + std::to_string(warmup) +
	       (last ? " --frames " + std::to_string(last) : "");
}

std::string capture(const std::string &command)
{
	std::string output;
	FILE *pipe = popen((command + " 2>&1").c_str(), "r");
	char line[4096];
	while (pipe && std::fgets(line, sizeof(line), pipe))
		output += line;
	if (pipe)
		pclose(pipe);
	return output;
}

double outputValue(const std::string &output, const std::string &key)
{
	std::istringstream lines(output);
	for (std::string line; std::getline(lines, line);)
		if (line.rfind(key + " ", 0) == 0)
			return std::atof(line.c_str() + key.size() + 1);
	return -1;
}

std::vector<std::string> tabFields(const std::string &line)
{
	std::vector<std::string> parts;
	std::stringstream stream(line);
	for (std::string part; std::getline(stream, part, '\t');)
		parts.push_back(part);
	return parts;
}

} /* namespace dmabridge::bench */
