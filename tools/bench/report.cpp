/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "report.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>

#include <drm_fourcc.h>
#include <gst/gst.h>

#include <dmabridge/format.h>
#include <dmabridge/v4l2.h>

#include "../../gst-plugin/common/caps_dialect.h"
#include "markdown.h"

namespace dmabridge::bench {

namespace {

constexpr const char *kHeader =
	"| pipeline | camera | format | size | instructions/frame | CPU ms/frame (user+sys) | "
	"ioctls/frame | polls/frame | bytes copied/frame | fb added | syncs/frame | start-up ms "
	"(M instructions) | result |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|";

/* a/b, or "-" when either is missing. */
std::string ratio(double a, double b)
{
	return a >= 0 && b > 0 ? fixed(a / b) : std::string("-");
}

} /* namespace */

std::string nodeOf(const std::string &camera)
{
	Result<V4l2Device> device = V4l2Device::openByName(camera);
	return device ? device->path() : "/dev/null";
}

std::string Config::key() const
{
	return name + " " + camera;
}

std::string Config::pipeline(unsigned frames) const
{
	const FormatInfo *info = formatFromName(format);
	std::string size = ",width=" + std::to_string(width) + ",height=" + std::to_string(height);
	std::string count = " num-buffers=" + std::to_string(frames);
	if (ours)
		return "dmabridgev4l2src name=src device-name=" + camera + count + " ! " +
		       gst::dmaBufCapsText(info ? info->drm : DRM_FORMAT_XRGB8888, size) +
		       " ! dmabridgekmssink name=sink driver-name=vkms sync=false";
	std::string caps = "format=" + std::string(info ? info->gst : "BGRx") + size;
	std::string mode = name.substr(std::string("upstream ").size());
	return "v4l2src device=" + nodeOf(camera) + " io-mode=" + mode + count + " ! video/x-raw," +
	       caps + " ! kmssink name=sink driver-name=vkms sync=false";
}

std::vector<Config> configsFor(const std::string &format, uint32_t width, uint32_t height)
{
	std::vector<Config> configs;
	auto add = [&](const std::string &name, const std::string &camera, bool ours) {
		configs.push_back({ name, camera, format, width, height, ours });
	};
	for (const char *camera : { "vivid-000", "vivid-001" }) {
		add("ours", camera, true);
		add("upstream dmabuf", camera, false);
	}
	add("upstream mmap", "vivid-000", false);
	add("upstream dmabuf-import", "vivid-000", false);
	add("upstream dmabuf-import", "vivid-001", false);
	return configs;
}

bool RunResult::ok() const
{
	return error.empty() && numbers.count("measured") && numbers.at("measured") > 0;
}

double RunResult::perFrame(double total) const
{
	return ok() ? total / numbers.at("measured") : -1;
}

double RunResult::cpuMs() const
{
	return ok() ? perFrame(numbers.at("user-us") + numbers.at("system-us")) / 1000 : -1;
}

double RunResult::number(const std::string &key) const
{
	auto found = numbers.find(key);
	return found == numbers.end() ? -1 : found->second;
}

double RunResult::stat(const std::string &field) const
{
	auto found = stats.find(field);
	return found == stats.end() ? -1 : double(found->second);
}

double RunResult::instructions() const
{
	return ok() ? number("instructions-per-frame") : -1;
}

double RunResult::ioctlsPerFrame() const
{
	double total = 0;
	for (const auto &[kind, count] : calls)
		if (kind != "poll")
			total += double(count);
	return perFrame(total);
}

double RunResult::bytesCopiedPerFrame(bool ours) const
{
	if (!ok())
		return -1;
	if (!ours)
		return perFrame(numbers.count("performance-bytes") ? numbers.at("performance-bytes")
								   : 0);
	uint64_t bytes = 0, frames = 0;
	for (const auto &[field, value] : stats) {
		if (field.ends_with(".bytes-copied"))
			bytes += value;
		if (field == "sink.frames")
			frames = value;
	}
	return frames ? double(bytes) / double(frames) : -1;
}

void Report::add(const Config &config, const RunResult &result)
{
	runs_.push_back({ config, result });
}

std::string Report::row(const Config &c, const RunResult &r) const
{
	auto call = [&](const char *kind) {
		auto found = r.calls.find(kind);
		return r.perFrame(found == r.calls.end() ? 0 : double(found->second));
	};
	std::string result =
		r.ok() ? "ok, " + fixed(r.number("measured"), 0) + " frames"
		       : "fails: " + (r.error.empty() ? "no frame" : r.error.substr(0, 160));
	if (r.ok() && !r.callgrindError.empty())
		result += "; callgrind: " + r.callgrindError;
	double startupInstructions = r.number("startup-instructions");
	std::string startup = fixed(r.number("startup-us") / 1000, 0) + " (" +
			      fixed(startupInstructions >= 0 ? startupInstructions / 1e6 : -1, 1) +
			      ")";
	return "| " + c.name + " | " + c.camera + " | " + c.format + " | " +
	       sizeName(c.width, c.height) + " | " + fixed(r.instructions(), 0) + " | " +
	       fixed(r.cpuMs()) + " (" +
	       fixed(r.perFrame(std::max(0.0, r.number("user-us")) / 1000)) + "+" +
	       fixed(r.perFrame(std::max(0.0, r.number("system-us")) / 1000)) + ") | " +
	       fixed(r.ioctlsPerFrame(), 1) + " | " + fixed(call("poll"), 1) + " | " +
	       fixed(r.bytesCopiedPerFrame(c.ours), 0) + " | " +
	       fixed(r.number("framebuffers-added"), 0) + " | " +
	       fixed(call("DMA_BUF_IOCTL_SYNC"), 1) + " | " + startup + " | " + result + " |";
}

const RunResult *Report::find(const std::string &key, const std::string &format, uint32_t width,
			      uint32_t height) const
{
	for (const auto &[config, result] : runs_)
		if (config.key() == key && config.format == format && config.width == width &&
		    config.height == height)
			return &result;
	return nullptr;
}

std::string Report::ratioTable(double (RunResult::*measure)() const) const
{
	std::string text =
		"| format | size | ours/upstream dmabuf (vivid-000) | ours/upstream dmabuf "
		"(vivid-001) | ours/upstream mmap (vivid-000) |\n|---|---|---|---|---|\n";
	auto of = [&](const RunResult *run) { return run ? (run->*measure)() : -1.0; };
	for (const auto &[config, result] : runs_) {
		if (config.key() != "ours vivid-000")
			continue;
		const std::string &f = config.format;
		uint32_t w = config.width, h = config.height;
		text += "| " + f + " | " + sizeName(w, h) + " | " +
			ratio(of(&result), of(find("upstream dmabuf vivid-000", f, w, h))) + " | " +
			ratio(of(find("ours vivid-001", f, w, h)),
			      of(find("upstream dmabuf vivid-001", f, w, h))) +
			" | " + ratio(of(&result), of(find("upstream mmap vivid-000", f, w, h))) +
			" |\n";
	}
	return text;
}

/* Per frame at the largest size against 640x480, for each pipeline: flat is the goal. */
std::string Report::flatness() const
{
	std::string text =
		"| pipeline | format | largest | instructions | CPU |\n|---|---|---|---|---|\n";
	for (const auto &[config, result] : runs_) {
		if (config.width != 640 || !result.ok())
			continue;
		const Config *largest = nullptr;
		const RunResult *big = nullptr;
		for (const auto &[other, otherResult] : runs_)
			if (other.key() == config.key() && other.format == config.format &&
			    otherResult.ok() &&
			    (!largest ||
			     other.width * other.height > largest->width * largest->height)) {
				largest = &other;
				big = &otherResult;
			}
		if (largest && largest->width != 640)
			text += "| " + config.key() + " | " + config.format + " | " +
				sizeName(largest->width, largest->height) + " | " +
				ratio(big->instructions(), result.instructions()) + " | " +
				ratio(big->cpuMs(), result.cpuMs()) + " |\n";
	}
	return text;
}

/* Where each headline pipeline spends a frame's instructions, and start-up's. */
std::string Report::profiles() const
{
	std::string text;
	for (const auto &[config, result] : runs_) {
		if (result.top.empty())
			continue;
		std::string what = config.key() + ", " + config.format + " " +
				   sizeName(config.width, config.height);
		text += "\n" + what + ": " + fixed(result.instructions(), 0) +
			" instructions a frame; the costliest functions by their own "
			"instructions:\n\n" +
			functionTable(result.top, "instructions/frame");
		if (!result.startupTop.empty())
			text += "\n" + what +
				", start-up: " + fixed(result.number("startup-instructions"), 0) +
				" instructions; the costliest functions:\n\n" +
				functionTable(result.startupTop, "instructions");
	}
	return text;
}

std::string Report::goals() const
{
	struct Goal
	{
		std::string what;
		bool met = true;
		bool measured = false;
		std::string figures;
	};
	Goal copies{ "0 bytes copied per frame on every zero-copy path (ours)" },
		imports{ "framebuffer imports = pool size (ours, the sink's imports)" },
		syncs{ "0 sync calls per frame when no CPU touches a frame (ours)" },
		ioctls{ "at most 4 ioctls per frame in steady state (ours)" },
		zeroCopy{ "instructions per frame at most 0.5x upstream's zero-copy path" },
		copyPath{ "CPU per frame at most 0.2x the upstream copy path at 1080p" },
		flat{ "instructions per frame at the largest size within 1.2x of 640x480" };
	auto note = [](Goal &goal, bool met, const std::string &figure) {
		goal.measured = true;
		if (!met) {
			goal.met = false;
			goal.figures += (goal.figures.empty() ? "" : "; ") + figure;
		}
	};
	/* camera+format -> instructions at 640x480 and at the largest size */
	std::map<std::string, std::pair<double, double>> smallLarge;
	std::map<std::string, uint64_t> largestPixels;
	for (const auto &[c, r] : runs_) {
		if (!c.ours || !r.ok())
			continue;
		std::string where = c.camera + " " + c.format + " " + sizeName(c.width, c.height);
		double bytes = r.bytesCopiedPerFrame(true);
		note(copies, bytes == 0, where + ": " + fixed(bytes, 0) + " bytes");
		/* The sink's imports of the pool's buffers; the display's own black
		 * framebuffers (made once, not imports) are in "fb added" besides. */
		note(imports, r.stat("sink.imports") == r.stat("src.allocations"),
		     where + ": " + fixed(r.stat("sink.imports"), 0) + " imports for " +
			     fixed(r.stat("src.allocations"), 0) + " buffers");
		double sync = r.perFrame(double(r.calls.count("DMA_BUF_IOCTL_SYNC")
							? r.calls.at("DMA_BUF_IOCTL_SYNC")
							: 0));
		note(syncs, sync == 0, where + ": " + fixed(sync, 1));
		note(ioctls, r.ioctlsPerFrame() <= 4, where + ": " + fixed(r.ioctlsPerFrame(), 1));
		const RunResult *up =
			find("upstream dmabuf " + c.camera, c.format, c.width, c.height);
		if (up && up->instructions() > 0 && r.instructions() >= 0)
			note(zeroCopy, r.instructions() <= 0.5 * up->instructions(),
			     where + ": " + ratio(r.instructions(), up->instructions()) + "x");
		const RunResult *mmap =
			find("upstream mmap vivid-000", c.format, c.width, c.height);
		if (c.width == 1920 && mmap && mmap->ok())
			note(copyPath, r.cpuMs() <= 0.2 * mmap->cpuMs(),
			     where + ": " + fixed(r.cpuMs() / mmap->cpuMs()) + "x");
		std::string key = c.camera + " " + c.format;
		uint64_t pixels = uint64_t(c.width) * c.height;
		if (c.width == 640)
			smallLarge[key].first = r.instructions();
		if (pixels >= largestPixels[key]) {
			largestPixels[key] = pixels;
			smallLarge[key].second = r.instructions();
		}
	}
	for (const auto &[key, counted] : smallLarge)
		if (counted.first > 0 && counted.second >= 0 && largestPixels[key] > 640 * 480)
			note(flat, counted.second <= 1.2 * counted.first,
			     key + ": " + fixed(counted.second / counted.first) + "x");

	std::string text = "| goal | met | where missed |\n|---|---|---|\n";
	for (const Goal *goal : { &copies, &imports, &syncs, &ioctls, &zeroCopy, &copyPath, &flat })
		text += "| " + goal->what + " | " +
			(!goal->measured ? "not measured"
			 : goal->met     ? "yes"
					 : "**no**") +
			" | " + (goal->figures.empty() ? "" : goal->figures) + " |\n";
	return text;
}

std::string Report::microTable() const
{
	std::string text =
		"| memory | sync START/END pair, us per MiB | allocate 1080p XRGB8888, us "
		"| first vkms import, us | note |\n|---|---|---|---|---|\n";
	for (const MicroResult &m : micro)
		text += "| " + m.memory + " | " + fixed(m.syncPairPerMiBUs, 3) + " | " +
			fixed(m.allocateUs, 0) + " | " + fixed(m.importUs, 0) + " | " + m.note +
			" |\n";
	return text;
}

std::string Report::summary() const
{
	return "\nInstructions per frame, ours/upstream:\n\n" +
	       ratioTable(&RunResult::instructions) + "\nGoals:\n\n" + goals() +
	       "\nMicro-benchmark:\n\n" + microTable() +
	       (m2m.empty() ? "" : "\nDecoding:\n\n" + m2mTable(m2m)) +
	       (gpu.empty() ? "" : "\nThrough the GPU:\n\n" + gpuTable(gpu));
}

std::string Report::meta(const std::string &key) const
{
	auto found = metadata.find(key);
	return found == metadata.end() ? std::string("unknown") : found->second;
}

std::string Report::title() const
{
	return meta("system") + ": GStreamer " + meta("gstreamer") + ", Linux " + meta("kernel");
}

std::string Report::section() const
{
	std::string text = "## " + title() + "\n\n- Date: " + meta("date") +
			   "\n- Machine: " + meta("machine") +
			   ", the virtual board (QEMU, software-emulated CPU)\n\n";
	if (metadata.count("formats") && !metadata.at("formats").empty())
		text += "Formats: " + metadata.at("formats") + ".\n\n";
	text += "### Runs\n\n" + std::string(kHeader) + "\n";
	for (const auto &[config, result] : runs_)
		text += row(config, result) + "\n";
	text += "\n### Instructions per frame, ours/upstream\n\n" +
		ratioTable(&RunResult::instructions) +
		"\n### CPU time per frame, ours/upstream\n\n" + ratioTable(&RunResult::cpuMs) +
		"\n### Per frame at the largest size / at 640x480 (flat is the goal)\n\n" +
		flatness() + "\n### Goals\n\n" + goals();
	if (std::string where = profiles(); !where.empty())
		text += "\n### Where a frame's instructions go\n" + where;
	if (!library.empty())
		text += "\n### The library path without GStreamer\n\n" + libraryTable(library);
	if (!micro.empty())
		text += "\n### Sync and allocation micro-benchmark\n\n" + microTable();
	if (!m2m.empty())
		text += "\n### Decoding: V4L2 memory-to-memory\n\n" + m2mTable(m2m);
	if (!gpu.empty())
		text += "\n### Through the GPU: YUV to RGB for the display\n\n" + gpuTable(gpu);
	return text + "\n";
}

std::string Report::plotData() const
{
	std::map<std::string, std::string> series; /* pipeline -> "pixels instructions" lines */
	for (const auto &[config, result] : runs_)
		if (config.camera == "vivid-000" && result.instructions() >= 0)
			series[config.name] +=
				std::to_string(double(config.width) * config.height / 1e6) + " " +
				std::to_string(result.instructions()) + "\n";
	std::string text;
	for (const auto &[name, points] : series)
		text += "\"" + meta("system") + ", GStreamer " + meta("gstreamer") + ": " + name +
			"\"\n" + points + "\n\n";
	return text;
}

std::string document(const std::vector<Report> &stacks, const std::string &command,
		     const std::string &plot)
{
	std::string text =
		"# Benchmarks\n\n"
		"Made by `" +
		command +
		"`: it builds, boots each virtual board, runs "
		"`dmabridge-bench` there and renders this file from the raw results (kept beside "
		"the plot in docs/benchmarks/). Do not edit by hand: the notes at the end come "
		"from tools/bench/notes.md.\n\n"
		"The boards are emulated: absolute times mean little there. The headline figure is "
		"instructions per frame, counted by callgrind in the board " +
		countedSpan(kCountedWarmup, kCountedLast, kCountedFrames) +
		" (the whole process, all threads, user space only; "
		"callgrind.h in tools/bench says how): the same count run after run, where CPU "
		"time moves by a third. CPU time (user and system, all threads) and calls are "
		"measured in a run of its own, from the warm-up frame (a sixth of the run) to the "
		"last. Calls are counted by interposing ioctl, syscall and poll in the process, so "
		"libc-internal calls (futex, clock) are not in them. Upstream's copied bytes are "
		"read from its GST_PERFORMANCE \"copy plane\" logs; ours from the dmabridge-stats "
		"message. Start-up is from the pipeline in NULL (elements made, plugins loaded) to "
		"the first display commit after the first frame reached the sink: time in the "
		"timed run, instructions under callgrind.\n\n";
	if (!plot.empty())
		text += "![Instructions per frame against frame size, vivid-000 to vkms](" + plot +
			")\n\n";
	for (const Report &stack : stacks)
		text += stack.section();
	std::ifstream notes(std::string(DMABRIDGE_SOURCE_ROOT) + "/tools/bench/notes.md");
	if (notes)
		text.append(std::istreambuf_iterator<char>(notes),
			    std::istreambuf_iterator<char>());
	return text;
}

} /* namespace dmabridge::bench */
