/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The benchmark's runs, their figures per frame, the ratios and the goals, as text. */
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "callgrind.h"
#include "gpu_rows.h"
#include "library_rows.h"
#include "m2m.h"
#include "micro.h"

namespace dmabridge::bench {

struct Config
{
	std::string name;   /* "ours", "upstream dmabuf", "upstream mmap", ... */
	std::string camera; /* vivid-000, vivid-001 */
	std::string format; /* XRGB8888, NV12, YUYV */
	uint32_t width = 0, height = 0;
	bool ours = false;

	std::string pipeline(unsigned frames) const;
	std::string key() const; /* name + camera */
};

/* The /dev/videoN of a camera by name, for upstream's v4l2src ("/dev/null" if none). */
std::string nodeOf(const std::string &camera);

/* A camera row's run under callgrind: its frames, and the span counted (callgrind.h). */
constexpr unsigned kCountedFrames = 50, kCountedWarmup = 10, kCountedLast = 45;

/* Every pipeline the issue compares, for one format and size. */
std::vector<Config> configsFor(const std::string &format, uint32_t width, uint32_t height);

struct RunResult
{
	std::string error;
	std::map<std::string, double> numbers; /* measured, user-us, system-us, ... */
	std::map<std::string, uint64_t> calls; /* steady state, by kind */
	std::map<std::string, uint64_t> stats; /* element.field from dmabridge-stats */
	std::vector<FunctionCost> top;         /* callgrind's costliest functions a frame */
	std::vector<FunctionCost> startupTop;  /* and of start-up */
	std::string callgrindError;

	bool ok() const;
	double perFrame(double total) const;
	double cpuMs() const;        /* user + system per frame */
	double instructions() const; /* per frame, from callgrind; -1 when not counted */
	double number(const std::string &key) const; /* -1 when not measured */
	double stat(const std::string &field) const; /* element.field; -1 when not posted */
	double ioctlsPerFrame() const;
	double bytesCopiedPerFrame(bool ours) const;
};

/* The runs of one board (one stack: Debian release, GStreamer, kernel). */
class Report
{
public:
	void add(const Config &config, const RunResult &result);
	std::string row(const Config &config, const RunResult &result) const;
	std::string summary() const; /* ratios and goals, printed as the run ends */
	std::string section() const; /* this stack's part of BENCHMARKS.md */
	std::string title() const;   /* "Debian 12: GStreamer 1.22.0, Linux 6.1.0" */
	/*
	 * The plot's data: a block a pipeline (vivid-000), its title line, then "MEGAPIXELS
	 * INSTRUCTIONS" lines, blocks apart by two empty lines (gnuplot's index).
	 */
	std::string plotData() const;
	std::string meta(const std::string &key) const;

	/* date, machine, kernel, gstreamer, system, formats (why YUV runs are left out) */
	std::map<std::string, std::string> metadata;
	std::vector<MicroResult> micro;
	std::vector<M2mResult> m2m;
	std::vector<M2mResult> gpu;
	std::vector<LibraryResult> library;

private:
	std::vector<std::pair<Config, RunResult>> runs_;
	const RunResult *find(const std::string &key, const std::string &format, uint32_t width,
			      uint32_t height) const;
	std::string ratioTable(double (RunResult::*measure)() const) const;
	std::string flatness() const;
	std::string profiles() const;
	std::string goals() const;
	std::string microTable() const;
};

/*
 * BENCHMARKS.md: one section a stack, the plot (a path relative to it, or empty) and the
 * notes; command is what made it.
 */
std::string document(const std::vector<Report> &stacks, const std::string &command,
		     const std::string &plot);

} /* namespace dmabridge::bench */
