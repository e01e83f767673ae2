/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridge-plan: the allocation plan for a producer and its consumers, without running a
 * pipeline: who allocates, from which heap, in which layout, whether a copy is needed and
 * why. Devices are this machine's (V4L2 node or name, DRM node or driver, egl[:drm]) or a
 * board profile's (--board rpi4).
 */
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <dmabridge/board_profile.h>
#include <dmabridge/egl.h>
#include <dmabridge/format.h>
#include <dmabridge/plan.h>
#include <dmabridge/v4l2.h>

#include "../common/describe.h"
#include "../common/driver_output.h"

using namespace dmabridge;
using namespace dmabridge::tools;

namespace {

constexpr const char *kUsage =
	"usage: %s --producer DEVICE --consumer DEVICE [--consumer DEVICE...]\n"
	"          --format FORMAT --size WIDTHxHEIGHT [--buffers N] [--board BOARD] [--json]\n"
	"       %s --board BOARD --list\n"
	"\n"
	"DEVICE on this machine: a V4L2 node or name (/dev/video8, vivid-001), a DRM node or\n"
	"driver (/dev/dri/card1, vkms), or egl[:DRM node or driver] for the GPU.\n"
	"With --board (an id such as rpi4, or a profile's path): a device id of the profile.\n"
	"FORMAT: NV12, YUYV, XRGB8888... (DRM names, fourccs or GStreamer names).\n";

struct Options
{
	std::string producer;
	std::vector<std::string> consumers;
	std::string format;
	uint32_t width = 0, height = 0;
	unsigned buffers = 4;
	std::string board;
	bool json = false;
	bool list = false;
};

std::optional<Options> parseArguments(int argc, char **argv)
{
	Options options;
	for (int i = 1; i < argc; i++) {
		std::string arg = argv[i];
		auto next = [&]() -> const char * { return i + 1 < argc ? argv[++i] : nullptr; };
		const char *value = nullptr;
		if (arg == "--json")
			options.json = true;
		else if (arg == "--list")
			options.list = true;
		else if (arg == "--help" || arg == "-h")
			return std::nullopt;
		else if (arg != "--producer" && arg != "--consumer" && arg != "--format" &&
			 arg != "--board" && arg != "--buffers" && arg != "--size") {
			std::fprintf(stderr, "%s: unknown argument '%s'\n", argv[0], arg.c_str());
			return std::nullopt;
		} else if (!(value = next())) {
			std::fprintf(stderr, "%s: %s needs a value\n", argv[0], arg.c_str());
			return std::nullopt;
		} else if (arg == "--producer")
			options.producer = value;
		else if (arg == "--consumer")
			options.consumers.push_back(value);
		else if (arg == "--format")
			options.format = value;
		else if (arg == "--board")
			options.board = value;
		else if (arg == "--buffers")
			options.buffers = unsigned(std::strtoul(value, nullptr, 10));
		else {
			unsigned w = 0, h = 0;
			char extra = 0;
			if (std::sscanf(value, "%ux%u%c", &w, &h, &extra) != 2 || !w || !h) {
				std::fprintf(stderr, "%s: --size is WIDTHxHEIGHT, not '%s'\n",
					     argv[0], value);
				return std::nullopt;
			}
			options.width = w;
			options.height = h;
		}
	}
	if (options.list)
		return options.board.empty() ? std::nullopt : std::optional(options);
	if (options.producer.empty() || options.consumers.empty() || options.format.empty() ||
	    !options.width || options.buffers == 0 || options.buffers > 32) {
		std::fprintf(stderr,
			     "%s: --producer, --consumer, --format and --size are needed "
			     "(and --buffers between 1 and 32)\n",
			     argv[0]);
		return std::nullopt;
	}
	return options;
}

/* egl[:DRM node or driver]: the GPU dmabridgeglconvert would use, on that device. */
Result<DeviceConstraints> eglDevice(const std::string &spec)
{
	std::string drm = spec.size() > 4 ? spec.substr(4) : "";
	Result<DrmDevice> device = drm.empty()                  ? DrmDevice::openRenderDevice()
				   : drm.rfind("/dev/", 0) == 0 ? DrmDevice::open(drm)
								: DrmDevice::openByDriver(drm);
	if (!device)
		return Error(device.error().code(),
			     "no EGL display for '" + spec + "': " + device.error().message());
	/* Mesa prints to stderr when the device has no GPU driver: said in our words. */
	CapturedStderr captured;
	Result<EglDevice> egl = EglDevice::open(*device);
	Result<DeviceConstraints> gpu = egl ? egl->probe() : Result<DeviceConstraints>(egl.error());
	captured.finish();
	if (gpu && rendersInSoftware(gpu->driver))
		std::fprintf(stderr, "dmabridge-plan: note: %s\n",
			     softwareNote(device->driver(), device->path(), gpu->driver).c_str());
	return gpu;
}

/* A device of this machine; consumers are V4L2 output queues, producers capture ones. */
Result<DeviceConstraints> machineDevice(const std::string &spec, bool producer)
{
	if (spec == "egl" || spec.rfind("egl:", 0) == 0)
		return eglDevice(spec);
	auto probeDrm = [](const Result<DrmDevice> &drm) -> Result<DeviceConstraints> {
		return drm ? drm->probe() : Result<DeviceConstraints>(drm.error());
	};
	V4l2Direction direction = producer ? V4l2Direction::Capture : V4l2Direction::Output;
	if (spec.rfind("/dev/dri/", 0) == 0)
		return probeDrm(DrmDevice::open(spec));
	if (spec.rfind("/dev/", 0) == 0) {
		Result<V4l2Device> v4l2 = V4l2Device::open(spec);
		return v4l2 ? v4l2->probe(direction) : Result<DeviceConstraints>(v4l2.error());
	}
	/* A name: a V4L2 device's, else a DRM driver's. */
	Result<V4l2Device> v4l2 = V4l2Device::openByName(spec);
	if (v4l2)
		return v4l2->probe(direction);
	Result<DrmDevice> drm = DrmDevice::openByDriver(spec);
	if (drm)
		return probeDrm(drm);
	return Error(ENODEV, "no device '" + spec + "' on this machine: " + v4l2.error().message() +
				     "; " + drm.error().message());
}

int listBoard(const BoardProfile &profile, bool json)
{
	if (json) {
		JsonWriter out;
		out.beginObject().field("board", profile.id).field("title", profile.title);
		out.key("devices").beginArray();
		for (const BoardDevice &device : profile.devices)
			writeConstraints(out, device.constraints);
		out.endArray().key("heaps").beginArray();
		for (const HeapInfo &heap : profile.heaps)
			writeHeap(out, heap);
		out.endArray().endObject();
		std::fputs(out.str().c_str(), stdout);
		return 0;
	}
	std::printf("%s (%s)\n", profile.title.c_str(), profile.id.c_str());
	for (const BoardDevice &device : profile.devices)
		std::printf("\n  %s\n%s", device.id.c_str(),
			    constraintsText(device.constraints, "    ").c_str());
	std::printf("\n  heaps\n");
	for (const HeapInfo &heap : profile.heaps)
		std::printf("    %s\n", heapText(heap).c_str());
	return 0;
}

} /* namespace */

int main(int argc, char **argv)
{
	std::optional<Options> options = parseArguments(argc, argv);
	if (!options) {
		std::fprintf(stderr, kUsage, argv[0], argv[0]);
		return 2;
	}
	auto fail = [&](const Error &error) {
		std::fprintf(stderr, "%s: %s\n", argv[0], error.describe().c_str());
		return 1;
	};

	std::optional<BoardProfile> profile;
	if (!options->board.empty()) {
		Result<BoardProfile> found = findBoardProfile(options->board);
		if (!found)
			return fail(found.error());
		profile = std::move(*found);
		if (options->list)
			return listBoard(*profile, options->json);
	}

	const FormatInfo *format = formatFromName(options->format);
	if (!format)
		return fail(Error(EINVAL, "unknown format '" + options->format + "'"));

	auto lookUp = [&](const std::string &spec, bool producer) {
		return profile ? profile->device(spec) : machineDevice(spec, producer);
	};
	PlanRequest request;
	Result<DeviceConstraints> producer = lookUp(options->producer, true);
	if (!producer)
		return fail(producer.error());
	request.producer = std::move(*producer);
	for (const std::string &spec : options->consumers) {
		Result<DeviceConstraints> consumer = lookUp(spec, false);
		if (!consumer)
			return fail(consumer.error());
		request.consumers.push_back(std::move(*consumer));
	}
	request.fourcc = format->drm;
	request.width = options->width;
	request.height = options->height;
	request.bufferCount = options->buffers;
	request.heaps = profile ? profile->heaps : listHeaps();
	request.pageSize = profile ? profile->pageSize : 0;

	Result<Plan> plan = Planner().plan(request);
	if (!plan)
		return fail(plan.error());

	if (options->json) {
		JsonWriter json;
		json.beginObject().key("board");
		if (profile)
			json.value(profile->id);
		else
			json.null();
		json.key("request")
			.beginObject()
			.field("format", std::string(format->name))
			.field("width", request.width)
			.field("height", request.height)
			.field("buffers", request.bufferCount)
			.endObject();
		json.key("producer");
		writeConstraints(json, request.producer);
		json.key("consumers").beginArray();
		for (const DeviceConstraints &consumer : request.consumers)
			writeConstraints(json, consumer);
		json.endArray().field("zero-copy", !plan->copy).key("plan");
		writePlan(json, *plan);
		json.endObject();
		std::fputs(json.str().c_str(), stdout);
		return 0;
	}

	std::printf("%s%s, %s %ux%u, %u buffers\n  producer: %s\n",
		    profile ? ("board " + profile->id + ": ").c_str() : "",
		    plan->copy ? "no zero-copy plan" : "zero-copy",
		    std::string(format->name).c_str(), request.width, request.height,
		    request.bufferCount, request.producer.label().c_str());
	for (const DeviceConstraints &consumer : request.consumers)
		std::printf("  consumer: %s\n", consumer.label().c_str());
	std::printf("\n%s", planText(*plan).c_str());
	return 0;
}
