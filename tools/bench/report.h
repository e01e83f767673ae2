/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The benchmark's runs, their figures per frame, the ratios and the goals, as text. */
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

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

/* Every pipeline the issue compares, for one format and size. */
std::vector<Config> configsFor(const std::string &format, uint32_t width, uint32_t height);

struct RunResult
{
	std::string error;
	std::map<std::string, double> numbers; /* measured, user-us, system-us, ... */
	std::map<std::string, uint64_t> calls; /* steady state, by kind */
	std::map<std::string, uint64_t> stats; /* element.field from dmabridge-stats */

	bool ok() const;
	double perFrame(double total) const;
	double cpuMs() const; /* user + system per frame */
	double ioctlsPerFrame() const;
	double bytesCopiedPerFrame(bool ours) const;
};

class Report
{
public:
	void add(const Config &config, const RunResult &result);
	std::string row(const Config &config, const RunResult &result) const;
	std::string summary() const; /* ratios and goals */
	/* BENCHMARKS.md; raw names the file of raw results it can be re-rendered from. */
	std::string markdown(const std::string &path, const std::string &raw) const;

	/* date, machine, kernel, gstreamer, formats (why YUV runs are left out, if they are) */
	std::map<std::string, std::string> meta;
	std::vector<MicroResult> micro;
	std::vector<M2mResult> m2m;

private:
	std::vector<std::pair<Config, RunResult>> runs_;
	const RunResult *find(const std::string &key, const std::string &format, uint32_t width,
			      uint32_t height) const;
	std::string ratios() const;
	std::string goals() const;
	std::string microTable() const;
};

} /* namespace dmabridge::bench */
