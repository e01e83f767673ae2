/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridge-bench: dmabridgev4l2src ! dmabridgekmssink against upstream v4l2src ! kmssink
 * (io-mode dmabuf, mmap and dmabuf-import) on the virtual board's vivid and vkms, at
 * several sizes and formats, each run in its own process with start-up excluded. Prints
 * a table and writes BENCHMARKS.md (tools/bench/run does both inside the board).
 */
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <vector>

#include <drm_fourcc.h>
#include <gst/gst.h>

#include <dmabridge/drm.h>
#include <dmabridge/format.h>
#include <dmabridge/kms.h>
#include <dmabridge/v4l2.h>

#include "callgrind.h"
#include "library_rows.h"
#include "m2m.h"
#include "micro.h"
#include "report.h"
#include "run_child.h"

using namespace dmabridge;
using namespace dmabridge::bench;

namespace {

std::string self;

/* One "key value" line of a child's output into result. */
void parseLine(RunResult &result, std::string text)
{
	if (!text.empty() && text.back() == '\n')
		text.pop_back();
	size_t space = text.find(' ');
	std::string key = text.substr(0, space),
		    value = space == std::string::npos ? "" : text.substr(space + 1);
	char *end = nullptr;
	if (key == "error") {
		result.error = value;
	} else if (key == "callgrind-error") {
		result.callgrindError = value;
	} else if (key == "top" || key == "startup-top") {
		size_t name = value.find(' ');
		(key == "top" ? result.top : result.startupTop)
			.push_back({ value.substr(name + 1), std::atof(value.c_str()) });
	} else if (key == "calls" || key == "stats") {
		size_t equals = value.find('=');
		if (equals != std::string::npos)
			(key == "calls" ? result.calls : result.stats)[value.substr(0, equals)] =
				std::strtoull(value.c_str() + equals + 1, nullptr, 10);
	} else if (double number = std::strtod(value.c_str(), &end);
		   !value.empty() && end && *end == '\0') {
		result.numbers[key] = number;
	}
}

/* Runs one pipeline in a child process; its output goes to raw too. */
RunResult runOne(const Config &config, unsigned frames, unsigned warmup, std::string &raw)
{
	/* A run that hangs is recorded as such, not waited for. */
	unsigned limit = 60 + 2 * frames;
	std::string command = "timeout -k 10 " + std::to_string(limit) + " " +
			      childCommand(self, config.pipeline(frames), warmup) + " 2>/dev/null";
	RunResult result;
	FILE *pipe = popen(command.c_str(), "r");
	char line[4096];
	raw += "run\t" + config.name + "\t" + config.camera + "\t" + config.format + "\t" +
	       std::to_string(config.width) + "\t" + std::to_string(config.height) + "\n";
	while (pipe && std::fgets(line, sizeof(line), pipe)) {
		parseLine(result, line);
		raw += line;
	}
	int status = pipe ? pclose(pipe) : -1;
	if (WIFEXITED(status) && (WEXITSTATUS(status) == 124 || WEXITSTATUS(status) == 137)) {
		result.error = "timed out after " + std::to_string(limit) + " s";
		raw += "error " + result.error + "\n";
	}
	return result;
}

/*
 * The configurations counted with callgrind: the zero-copy paths and upstream's copy path
 * (the dmabuf-import rows are timed only). The costliest functions are listed for the
 * headline pair, at 640x480 from vivid-000.
 */
void count(const Config &config, RunResult &result, std::string &raw)
{
	if (config.name.find("dmabuf-import") != std::string::npos)
		return;
	bool profile = config.width == 640 && config.camera == "vivid-000" &&
		       config.name != "upstream mmap";
	std::fprintf(stderr, "bench: %s %ux%u under callgrind...\n", config.key().c_str(),
		     config.width, config.height);
	Instructions counted = countInstructions(
		childCommand(self, config.pipeline(kCountedFrames), kCountedWarmup, kCountedLast),
		kCountedLast - kCountedWarmup, profile ? 15 : 0);
	std::string lines;
	if (counted.perFrame >= 0)
		lines += "instructions-per-frame " + std::to_string(counted.perFrame) + "\n";
	if (counted.startup >= 0)
		lines += "startup-instructions " + std::to_string(counted.startup) + "\n";
	if (!counted.error.empty())
		lines += "callgrind-error " + counted.error + "\n";
	for (const FunctionCost &function : counted.top)
		lines += "top " + std::to_string(function.perFrame) + " " + function.name + "\n";
	for (const FunctionCost &function : counted.startupTop)
		lines += "startup-top " + std::to_string(function.perFrame) + " " + function.name +
			 "\n";
	/* Into the result as readRaw() reads them back: one format for both. */
	std::istringstream each(lines);
	for (std::string line; std::getline(each, line);)
		parseLine(result, line);
	raw += lines;
}

/* A report from the raw results of an earlier run (to re-render with new notes). */
Report readRaw(const std::string &path)
{
	Report report;
	std::ifstream file(path);
	std::string line;
	std::optional<Config> config;
	RunResult result;
	auto flush = [&] {
		if (config)
			report.add(*config, result);
		config.reset();
		result = {};
	};
	while (std::getline(file, line)) {
		std::vector<std::string> f = tabFields(line);
		if (f[0] == "run" && f.size() == 6) {
			flush();
			config = Config{ f[1],
					 f[2],
					 f[3],
					 uint32_t(std::stoul(f[4])),
					 uint32_t(std::stoul(f[5])),
					 f[1] == "ours" };
		} else if (f[0] == "micro" && f.size() >= 5) {
			flush();
			report.micro.push_back({ f[1], std::stod(f[2]), std::stod(f[3]),
						 std::stod(f[4]), f.size() > 5 ? f[5] : "" });
		} else if (readLibraryLine(line, report.library)) {
			flush();
		} else if (M2mResult decoded; readM2mLine(line, decoded)) {
			flush();
			report.m2m.push_back(decoded);
		} else if (M2mResult converted; readGpuLine(line, converted)) {
			flush();
			report.gpu.push_back(converted);
		} else if (f[0] == "meta" && f.size() == 3) {
			flush();
			report.metadata[f[1]] = f[2];
		} else if (config) {
			parseLine(result, line);
		}
	}
	flush();
	return report;
}

std::vector<std::pair<uint32_t, uint32_t>> sizesToRun(const std::string &camera)
{
	std::vector<std::pair<uint32_t, uint32_t>> wanted = { { 640, 480 },
							      { 1280, 720 },
							      { 1920, 1080 } };
	Result<V4l2Device> device = V4l2Device::openByName(camera);
	if (!device)
		return wanted;
	std::pair<uint32_t, uint32_t> largest{ 0, 0 };
	for (const V4l2FrameSize &size :
	     device->frameSizes(V4l2Direction::Capture, DRM_FORMAT_XRGB8888))
		if (uint64_t(size.maxWidth) * size.maxHeight >
		    uint64_t(largest.first) * largest.second)
			largest = { size.maxWidth, size.maxHeight };
	if (largest.first * largest.second > 1920 * 1080)
		wanted.push_back(largest);
	return wanted;
}

/* The formats of the runs: XRGB8888, and NV12 or YUYV if vkms scans either out. */
std::vector<std::string> formatsToRun(std::string &why)
{
	std::vector<std::string> formats = { "XRGB8888" };
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	Result<DeviceConstraints> plane =
		vkms ? vkms->probe() : Result<DeviceConstraints>(vkms.error());
	for (const char *yuv : { "NV12", "YUYV" })
		if (plane && plane->acceptsFormat(formatFromName(yuv)->drm)) {
			formats.push_back(yuv);
			return formats;
		}
	why = "vkms's primary plane takes neither NV12 nor YUYV in this kernel (it scans out " +
	      std::string(plane ? "only RGB" : plane.error().describe()) +
	      "), so no camera-to-display pipeline can carry YUV here without a converter; the YUV "
	      "runs are left out";
	return formats;
}

/* "Debian 12", from os-release (a release without a number: its pretty name). */
std::string systemName()
{
	std::ifstream file("/etc/os-release");
	std::map<std::string, std::string> fields;
	for (std::string line; std::getline(file, line);) {
		size_t equals = line.find('=');
		std::string value = equals == std::string::npos ? "" : line.substr(equals + 1);
		if (value.size() >= 2 && value.front() == '"')
			value = value.substr(1, value.size() - 2);
		fields[line.substr(0, equals)] = value;
	}
	if (fields.count("VERSION_ID") && fields.count("NAME"))
		return fields["NAME"].substr(0, fields["NAME"].find(' ')) + " " +
		       fields["VERSION_ID"];
	return fields.count("PRETTY_NAME") ? fields["PRETTY_NAME"] : "unknown";
}

std::map<std::string, std::string> describeStack(const std::string &formatNote)
{
	utsname machine{};
	uname(&machine);
	char date[32];
	time_t now = time(nullptr);
	strftime(date, sizeof(date), "%Y-%m-%d", gmtime(&now));
	guint major, minor, micro, nano;
	gst_version(&major, &minor, &micro, &nano);
	std::string release = machine.release;
	return { { "date", date },
		 { "machine", machine.machine },
		 { "kernel", release.substr(0, release.find('-')) },
		 { "gstreamer", std::to_string(major) + "." + std::to_string(minor) + "." +
					std::to_string(micro) },
		 { "system", systemName() },
		 { "formats", formatNote } };
}

/* "640x480,1280x720" into sizes; false when it isn't that. */
bool parseSizes(const std::string &text, std::vector<std::pair<uint32_t, uint32_t>> &sizes)
{
	std::stringstream list(text);
	for (std::string item; std::getline(list, item, ',');) {
		unsigned width = 0, height = 0;
		if (std::sscanf(item.c_str(), "%ux%u", &width, &height) != 2 || !width || !height)
			return false;
		sizes.push_back({ width, height });
	}
	return !sizes.empty();
}

/* The camera rows at each size (all of sizesToRun()'s when empty), timed and counted. */
void runCameras(Report &report, std::string &raw, const std::string &rawPath, double scale,
		std::vector<std::pair<uint32_t, uint32_t>> sizes)
{
	bool counting = haveCallgrind();
	if (!counting)
		std::fprintf(stderr,
			     "bench: no valgrind here: the instruction columns stay empty\n");
	std::string formatNote;
	std::vector<std::string> formats = formatsToRun(formatNote);
	report.metadata = describeStack(formatNote);
	for (const auto &[key, value] : report.metadata)
		raw += "meta\t" + key + "\t" + value + "\n";
	if (sizes.empty())
		sizes = sizesToRun("vivid-000");
	for (auto [width, height] : sizes) {
		/* Hundreds of frames where vivid is quick, fewer where the guest makes it slow. */
		uint64_t pixels = uint64_t(width) * height;
		unsigned frames = unsigned(scale * (pixels <= 640 * 480     ? 300
						    : pixels <= 1280 * 720  ? 200
						    : pixels <= 1920 * 1080 ? 150
									    : 60));
		unsigned warmup = std::max(10u, frames / 6);
		for (const std::string &format : formats)
			for (const Config &config : configsFor(format, width, height)) {
				std::fprintf(stderr, "bench: %s %ux%u %s, %u frames...\n",
					     config.name.c_str(), width, height, format.c_str(),
					     frames);
				RunResult result = runOne(config, frames, warmup, raw);
				if (counting && result.ok())
					count(config, result, raw);
				report.add(config, result);
				/* Kept as it goes: a run stopped halfway keeps its rows. */
				std::ofstream(rawPath) << raw;
				std::printf("%s\n", report.row(config, result).c_str());
				std::fflush(stdout);
			}
	}
}

/* BENCHMARKS.md from the raw results of each board, and the plot's data beside plot. */
int render(const std::string &out, const std::string &plot, const std::vector<std::string> &raws)
{
	std::vector<Report> stacks;
	std::string plotData;
	for (const std::string &path : raws) {
		stacks.push_back(readRaw(path));
		plotData += stacks.back().plotData();
	}
	if (!plot.empty())
		std::ofstream(plot.substr(0, plot.rfind('.')) + ".tsv") << plotData;
	/* The plot as the markdown file links it: relative to where that file is. */
	std::filesystem::path where = std::filesystem::path(out).parent_path();
	std::string link =
		plot.empty()
			? ""
			: std::filesystem::relative(plot, where.empty() ? "." : where).string();
	std::ofstream(out) << document(stacks, "tools/bench/run", link);
	std::fprintf(stderr, "bench: wrote %s from %zu boards' results\n", out.c_str(),
		     raws.size());
	return 0;
}

/* The parts of a run, each its own kind of raw line (partOf). */
constexpr const char *kParts[] = { "cameras", "library", "micro", "m2m", "gpu" };

std::string partOf(const std::string &line)
{
	for (const char *part : { "library", "micro", "m2m", "gpu" })
		if (line.rfind(std::string(part) + "\t", 0) == 0 ||
		    line.rfind(std::string(part) + "-", 0) == 0)
			return part;
	return "cameras"; /* meta, run and the lines of a run */
}

/* Whether a raw line is a result of a row other than onlyRow (its second field). */
bool otherRow(const std::string &line, const std::string &onlyRow)
{
	std::string part = partOf(line);
	if (onlyRow.empty() || (part != "m2m" && part != "gpu"))
		return false;
	size_t start = line.find('\t') + 1, end = line.find('\t', start);
	return line.compare(start, end - start, onlyRow) != 0;
}

/* "cameras,m2m" into parts; false when a name isn't one of kParts. */
bool parseParts(const std::string &text, std::set<std::string> &parts)
{
	parts.clear();
	std::stringstream list(text);
	for (std::string item; std::getline(list, item, ',');) {
		if (std::find(std::begin(kParts), std::end(kParts), item) == std::end(kParts))
			return false;
		parts.insert(item);
	}
	return !parts.empty();
}

/* The library rows, from the dmabridge-library-loop built beside this program. */
std::vector<LibraryResult> runLibraryBeside(std::vector<std::pair<uint32_t, uint32_t>> sizes,
					    std::string &raw)
{
	std::filesystem::path loop =
		std::filesystem::path(self).parent_path() / "dmabridge-library-loop";
	if (!std::filesystem::exists(loop)) {
		std::fprintf(stderr, "bench: no %s (a sanitizer build has none): no library rows\n",
			     loop.c_str());
		return {};
	}
	if (sizes.empty())
		sizes = { { 640, 480 }, { 1920, 1080 } };
	return runLibrary(loop.string(), sizes, raw);
}

const char kUsage[] =
	"usage: dmabridge-bench --raw FILE [--scale S] [--sizes WxH,...]\n"
	"                       [--parts cameras,library,micro,m2m,gpu]      (in a board)\n"
	"                       [--rows NAME]  (of m2m and gpu, only rows named NAME)\n"
	"       dmabridge-bench --render OUT [--plot PNG] RAW...         (anywhere)\n";

} /* namespace */

int main(int argc, char **argv)
{
	gst_init(&argc, &argv);
	self = argv[0];
	if (argc >= 5 && !std::strcmp(argv[1], "--child"))
		return runChild(argv[2], unsigned(std::atoi(argv[4])),
				argc >= 7 ? unsigned(std::atoi(argv[6])) : 0);

	std::string rawPath, out, plot, onlyRow;
	std::vector<std::string> raws;
	double scale = 1.0;
	std::vector<std::pair<uint32_t, uint32_t>> sizes;
	std::set<std::string> parts(std::begin(kParts), std::end(kParts));
	for (int i = 1; i < argc; i++) {
		std::string arg = argv[i];
		bool value = i + 1 < argc;
		if (arg == "--parts" && value && parseParts(argv[i + 1], parts))
			i++;
		else if (arg == "--rows" && value)
			onlyRow = argv[++i];
		else if (arg == "--raw" && value)
			rawPath = argv[++i];
		else if (arg == "--render" && value)
			out = argv[++i];
		else if (arg == "--plot" && value)
			plot = argv[++i];
		else if (arg == "--scale" && value)
			scale = std::atof(argv[++i]);
		else if (arg == "--sizes" && value && parseSizes(argv[i + 1], sizes))
			i++;
		else if (!out.empty() && arg[0] != '-')
			raws.push_back(arg);
		else
			return std::fputs(kUsage, stderr), 2;
	}
	if (!out.empty())
		return render(out, plot, raws);
	if (rawPath.empty())
		return std::fputs(kUsage, stderr), 2;
	if (!V4l2Device::openByName("vivid-000") || !DrmDevice::openByDriver("vkms")) {
		std::fprintf(stderr,
			     "%s: needs vivid and vkms: run it in the virtual board "
			     "(tools/bench/run)\n",
			     argv[0]);
		return 77;
	}
	Report report;
	/* The parts not run this time stay as the last run left them. */
	std::string raw;
	std::ifstream old(rawPath);
	for (std::string line; std::getline(old, line);)
		if (!parts.count(partOf(line)) || otherRow(line, onlyRow))
			raw += line + "\n";
	if (parts.count("cameras"))
		runCameras(report, raw, rawPath, scale, sizes);
	if (parts.count("library"))
		report.library = runLibraryBeside(sizes, raw);
	if (parts.count("micro")) {
		report.micro = runMicro();
		for (const MicroResult &m : report.micro)
			raw += "micro\t" + m.memory + "\t" + std::to_string(m.syncPairPerMiBUs) +
			       "\t" + std::to_string(m.allocateUs) + "\t" +
			       std::to_string(m.importUs) + "\t" + m.note + "\n";
	}
	if (parts.count("m2m"))
		report.m2m = runM2m(self, raw, rawPath, onlyRow);
	if (parts.count("gpu"))
		report.gpu = runGpu(self, raw, rawPath, onlyRow);
	std::fputs(report.summary().c_str(), stdout);
	std::ofstream(rawPath) << raw;
	std::fprintf(stderr, "bench: wrote %s\n", rawPath.c_str());
	return 0;
}
