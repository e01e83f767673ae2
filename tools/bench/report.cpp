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

namespace dmabridge::bench {

namespace {

std::string fixed(double value, int decimals = 2)
{
	if (value < 0 || value != value)
		return "-";
	char text[32];
	std::snprintf(text, sizeof(text), "%.*f", decimals, value);
	return text;
}

std::string sizeName(uint32_t width, uint32_t height)
{
	return std::to_string(width) + "x" + std::to_string(height);
}

std::string nodeOf(const std::string &camera)
{
	Result<V4l2Device> device = V4l2Device::openByName(camera);
	return device ? device->path() : "/dev/null";
}

constexpr const char *kHeader =
	"| pipeline | camera | format | size | CPU ms/frame (user+sys) | ioctls/frame | "
	"polls/frame | bytes copied/frame | fb imports | syncs/frame | result |";

} /* namespace */

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
		r.ok() ? "ok, " + fixed(r.numbers.at("measured"), 0) + " frames"
		       : "fails: " + (r.error.empty() ? "no frame" : r.error.substr(0, 160));
	std::string imports = r.numbers.count("framebuffers-added")
				      ? fixed(r.numbers.at("framebuffers-added"), 0)
				      : "-";
	return "| " + c.name + " | " + c.camera + " | " + c.format + " | " +
	       sizeName(c.width, c.height) + " | " + fixed(r.cpuMs()) + " (" +
	       fixed(r.perFrame(r.numbers.count("user-us") ? r.numbers.at("user-us") / 1000 : 0)) +
	       "+" +
	       fixed(r.perFrame(r.numbers.count("system-us") ? r.numbers.at("system-us") / 1000
							     : 0)) +
	       ") | " + fixed(r.ioctlsPerFrame(), 1) + " | " + fixed(call("poll"), 1) + " | " +
	       fixed(r.bytesCopiedPerFrame(c.ours), 0) + " | " + imports + " | " +
	       fixed(call("DMA_BUF_IOCTL_SYNC"), 1) + " | " + result + " |";
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

std::string Report::ratios() const
{
	std::string text =
		"| format | size | ours/upstream dmabuf (vivid-000) | ours/upstream "
		"dmabuf (vivid-001) | ours/upstream mmap (vivid-000) |\n|---|---|---|---|"
		"---|\n";
	auto ratio = [](const RunResult *a, const RunResult *b) {
		return a && b && a->ok() && b->ok() && b->cpuMs() > 0
			       ? fixed(a->cpuMs() / b->cpuMs())
			       : std::string("-");
	};
	for (const auto &[config, result] : runs_) {
		if (config.key() != "ours vivid-000")
			continue;
		const std::string &f = config.format;
		uint32_t w = config.width, h = config.height;
		text += "| " + f + " | " + sizeName(w, h) + " | " +
			ratio(&result, find("upstream dmabuf vivid-000", f, w, h)) + " | " +
			ratio(find("ours vivid-001", f, w, h),
			      find("upstream dmabuf vivid-001", f, w, h)) +
			" | " + ratio(&result, find("upstream mmap vivid-000", f, w, h)) + " |\n";
	}

	text += "\nCPU per frame at the largest size / at 640x480 (flat is the goal):\n\n"
		"| pipeline | format | largest | ratio |\n|---|---|---|---|\n";
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
				fixed(big->cpuMs() / result.cpuMs()) + " |\n";
	}
	return text;
}

std::string Report::goals() const
{
	struct Goal
	{
		std::string what;
		bool met = true;
		std::string figures;
	};
	Goal copies{ "0 bytes copied per frame on every zero-copy path (ours)" },
		imports{ "framebuffer imports = pool size (ours)" },
		syncs{ "0 sync calls per frame when no CPU touches a frame (ours)" },
		ioctls{ "at most 4 ioctls per frame in steady state (ours)" },
		zeroCopy{ "CPU per frame at most 0.8x upstream's zero-copy path" },
		copyPath{ "CPU per frame at most 0.2x the upstream copy path at 1080p" },
		flat{ "CPU per frame at the largest size within 1.2x of 640x480" };
	auto note = [](Goal &goal, bool met, const std::string &figure) {
		if (!met) {
			goal.met = false;
			goal.figures += (goal.figures.empty() ? "" : "; ") + figure;
		}
	};
	std::map<std::string, std::pair<double, double>> smallLarge; /* key+format -> cpu */
	std::map<std::string, uint64_t> largestPixels;
	for (const auto &[c, r] : runs_) {
		if (!c.ours || !r.ok())
			continue;
		std::string where = c.camera + " " + c.format + " " + sizeName(c.width, c.height);
		double bytes = r.bytesCopiedPerFrame(true);
		note(copies, bytes == 0, where + ": " + fixed(bytes, 0) + " bytes");
		uint64_t pool =
			r.stats.count("src.allocations") ? r.stats.at("src.allocations") : 0;
		double added = r.numbers.count("framebuffers-added")
				       ? r.numbers.at("framebuffers-added")
				       : -1;
		note(imports, added == double(pool),
		     where + ": " + fixed(added, 0) + " imports for " + std::to_string(pool) +
			     " buffers");
		double sync = r.perFrame(double(r.calls.count("DMA_BUF_IOCTL_SYNC")
							? r.calls.at("DMA_BUF_IOCTL_SYNC")
							: 0));
		note(syncs, sync == 0, where + ": " + fixed(sync, 1));
		note(ioctls, r.ioctlsPerFrame() <= 4, where + ": " + fixed(r.ioctlsPerFrame(), 1));
		const RunResult *up =
			find("upstream dmabuf " + c.camera, c.format, c.width, c.height);
		if (up && up->ok())
			note(zeroCopy, r.cpuMs() <= 0.8 * up->cpuMs(),
			     where + ": " + fixed(r.cpuMs() / up->cpuMs()) + "x");
		const RunResult *mmap =
			find("upstream mmap vivid-000", c.format, c.width, c.height);
		if (c.width == 1920 && mmap && mmap->ok())
			note(copyPath, r.cpuMs() <= 0.2 * mmap->cpuMs(),
			     where + ": " + fixed(r.cpuMs() / mmap->cpuMs()) + "x");
		std::string key = c.camera + " " + c.format;
		uint64_t pixels = uint64_t(c.width) * c.height;
		if (c.width == 640)
			smallLarge[key].first = r.cpuMs();
		if (pixels >= largestPixels[key]) {
			largestPixels[key] = pixels;
			smallLarge[key].second = r.cpuMs();
		}
	}
	for (const auto &[key, cpu] : smallLarge)
		if (cpu.first > 0)
			note(flat, cpu.second <= 1.2 * cpu.first,
			     key + ": " + fixed(cpu.second / cpu.first) + "x");

	std::string text = "| goal | met | where missed |\n|---|---|---|\n";
	for (const Goal *goal : { &copies, &imports, &syncs, &ioctls, &zeroCopy, &copyPath, &flat })
		text += "| " + goal->what + " | " + (goal->met ? "yes" : "**no**") + " | " +
			(goal->figures.empty() ? "" : goal->figures) + " |\n";
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
	return "\nRatios of CPU per frame:\n\n" + ratios() + "\nGoals:\n\n" + goals() +
	       "\nMicro-benchmark:\n\n" + microTable() +
	       (m2m.empty() ? "" : "\nDecoding:\n\n" + m2mTable(m2m));
}

std::string Report::markdown(const std::string &path, const std::string &raw) const
{
	auto meta_ = [&](const char *key) {
		auto found = meta.find(key);
		return found == meta.end() ? std::string("unknown") : found->second;
	};
	std::string text =
		"# Benchmarks\n\n"
		"Made by `tools/bench/run` (it builds, boots the virtual board and runs "
		"`dmabridge-bench --out " +
		path + "` there; the raw results are kept in `" + raw +
		"`). Do not edit by hand: the notes at the end come from tools/bench/notes.md, "
		"and `build/tools/dmabridge-bench --from " +
		raw + " --out " + path +
		"` renders them again.\n\n"
		"- Date: " +
		meta_("date") + "\n- Machine: " + meta_("machine") +
		", the virtual board (QEMU, software-emulated CPU)\n- Kernel: " + meta_("kernel") +
		"\n- GStreamer: " + meta_("gstreamer") +
		"\n\nThe board is emulated: absolute times mean little there; read the ratios and "
		"the counts. Each run is a process of its own; CPU time (user and system, all "
		"threads) and calls are measured from the warm-up frame (a sixth of the run) to "
		"the "
		"last, so start-up is excluded. Calls are counted by interposing ioctl, syscall "
		"and "
		"poll in the process, so libc-internal calls (futex, clock) are not in them. "
		"Upstream's copied bytes are read from its GST_PERFORMANCE \"copy plane\" logs; "
		"ours from the dmabridge-stats message.\n\n";
	if (meta.count("formats") && !meta.at("formats").empty())
		text += "Formats: " + meta.at("formats") + ".\n\n";
	text += "## Runs\n\n" + std::string(kHeader) +
		"\n|---|---|---|---|---|---|---|---|---|---|---|\n";
	for (const auto &[config, result] : runs_)
		text += row(config, result) + "\n";
	text += "\n## Ratios of CPU per frame\n\n" + ratios() + "\n## Goals\n\n" + goals() +
		"\n## Sync and allocation micro-benchmark\n\n" + microTable();
	if (!m2m.empty())
		text += "\n## Decoding: V4L2 memory-to-memory\n\n" + m2mTable(m2m);
	std::ifstream notes(std::string(DMABRIDGE_SOURCE_ROOT) + "/tools/bench/notes.md");
	if (notes) {
		text += "\n";
		text.append(std::istreambuf_iterator<char>(notes),
			    std::istreambuf_iterator<char>());
	}
	return text;
}

} /* namespace dmabridge::bench */
