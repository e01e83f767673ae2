/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridge-demo: a camera into a display with zero copies, and the proof.
 *
 * Runs dmabridgev4l2src ! dmabridgekmssink, reads what the display showed back through
 * its writeback connector, and leaves in the output directory display.png and report.txt:
 * the devices, the plan and why, frames, copies and imports.
 *
 *   dmabridge-demo [--camera NAME] [--display DRIVER] [--frames N] [--size WxH] [--out DIR]
 */
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include <gst/gst.h>

#include <dmabridge/drm.h>
#include <dmabridge/v4l2.h>

#include "../common/pipeline_run.h"
#include "../common/plugin_location.h"

using namespace dmabridge;

namespace {

struct Options
{
	std::string camera;  /* V4L2 device name; empty: the first capture device */
	std::string display; /* DRM driver; empty: the first device with a display */
	unsigned frames = 60;
	unsigned width = 1280;
	unsigned height = 720;
	std::string out = "demo-output";
};

bool parse(int argc, char **argv, Options &options)
{
	for (int i = 1; i < argc; i++) {
		std::string arg = argv[i];
		auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
		if (arg == "--camera")
			options.camera = value();
		else if (arg == "--display")
			options.display = value();
		else if (arg == "--frames")
			options.frames = unsigned(std::atoi(value().c_str()));
		else if (arg == "--size") {
			if (std::sscanf(value().c_str(), "%ux%u", &options.width,
					&options.height) != 2)
				return false;
		} else if (arg == "--out")
			options.out = value();
		else
			return false;
	}
	return options.frames > 0;
}

std::string describe(const Result<DeviceConstraints> &device)
{
	if (!device)
		return device.error().describe();
	std::string text = device->label();
	text += device->needsContiguousMemory() ? ": needs physically contiguous memory ("
						: ": takes scattered pages (";
	text += device->contiguous.source + "; " + device->iommu.source + ")";
	return text;
}

/* Which dmabridge plugin GStreamer runs: the build's, or the one installed with the demo. */
std::string pluginFile()
{
	GstPlugin *plugin = gst_registry_find_plugin(gst_registry_get(), "dmabridge");
	if (!plugin)
		return "none found (GST_PLUGIN_PATH)";
	std::string file = gst_plugin_get_filename(plugin) ? gst_plugin_get_filename(plugin) : "";
	gst_object_unref(plugin);
	return file;
}

} /* namespace */

int main(int argc, char **argv)
{
	Options options;
	if (!parse(argc, argv, options)) {
		std::cerr
			<< "usage: dmabridge-demo [--camera NAME] [--display DRIVER] [--frames N] "
			   "[--size WxH] [--out DIR]\n";
		return 2;
	}
	tools::useOwnPlugin();
	gst_init(&argc, &argv);
	std::error_code made;
	std::filesystem::create_directories(options.out, made);
	if (made) {
		std::cerr << "dmabridge-demo: can't make the output folder " << options.out << ": "
			  << made.message() << "\n";
		return 1;
	}
	std::string png = std::filesystem::absolute(options.out + "/display.png").string();

	Result<V4l2Device> camera =
		options.camera.empty() ? Error(ENODEV, "") : V4l2Device::openByName(options.camera);
	Result<DrmDevice> display = options.display.empty()
					    ? Error(ENODEV, "")
					    : DrmDevice::openByDriver(options.display);
	std::string pluginText = pluginFile();
	std::string cameraText = camera ? describe(camera->probe()) : "the first capture device";
	std::string displayText = display ? describe(display->probe()) : "the first display";

	std::ostringstream pipeline;
	pipeline << "dmabridgev4l2src name=src num-buffers=" << options.frames;
	if (!options.camera.empty())
		pipeline << " device-name=" << options.camera;
	pipeline << " ! video/x-raw(memory:DMABuf),width=" << options.width
		 << ",height=" << options.height << " ! dmabridgekmssink name=sink readback=true"
		 << " snapshot-location=" << png;
	if (!options.display.empty())
		pipeline << " driver-name=" << options.display;
	/* The devices are opened by the elements: drop ours first (DRM master). */
	camera = Error(ENODEV, "");
	display = Error(ENODEV, "");

	tools::PipelineRun run = tools::runPipeline(pipeline.str(), 600);
	const tools::Stats &src = run.stats["src"], &sink = run.stats["sink"];
	bool zeroCopy = run.finished && src["copies"] == 0 && sink["copies"] == 0;
	bool shown = sink["readback-differing-pixels"] == 0 && sink["readback-colours"] > 4;

	std::ostringstream report;
	report << "dmabridge demo: camera to display\n\n"
	       << "Pipeline: gst-launch-1.0 " << pipeline.str() << "\n"
	       << "Plugin:   " << pluginText << "\n"
	       << "Camera:   " << cameraText << "\n"
	       << "Display:  " << displayText << "\n"
	       << "Plan:     " << (src.present ? src.explanation : "(none: " + run.error + ")")
	       << "\n"
	       << "Frames:   " << src["frames"] << " captured, " << sink["frames"] << " shown\n"
	       << "Copies:   " << sink["copies"] << " (" << sink["bytes-copied"]
	       << " bytes copied), CPU cache syncs on the frame path: " << sink["sync-calls"]
	       << "\n"
	       << "Imports:  " << sink["imports"] << " framebuffers for " << sink["frames"]
	       << " frames (one per buffer of the pool)\n"
	       << "Display:  "
	       << (shown ? "writeback read-back equals the last frame shown ("
			 : "writeback read-back does NOT equal the last frame shown (")
	       << sink["readback-differing-pixels"] << " pixels differ, "
	       << sink["readback-colours"] << " colours); saved as " << png << "\n"
	       << "Zero-copy: " << (zeroCopy ? "yes" : "no") << "\n";
	if (!run.error.empty())
		report << "Error:    " << run.error << "\n";
	std::ofstream(options.out + "/report.txt") << report.str();
	std::cout << report.str() << "\nreport: " << options.out << "/report.txt\n";
	return run.finished && shown ? 0 : 1;
}
