/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridge-library-loop: the library's own camera-to-display loop (library_loop.h), timed
 * by nothing: it counts what a frame costs once every buffer has its framebuffer and the
 * mode is set, the ioctls by kind (syscall_counter.h) and the heap allocations
 * (allocation_counter.h), then reads the display back once and compares it with the last
 * frame. Prints "key value" lines; dmabridge-bench runs it, and again under callgrind, which
 * counts start-up (set-up to the first frame shown) and the frames from the warm-up frame
 * to the last (callgrind_markers.h).
 *
 *   dmabridge-library-loop [--camera vivid-000] [--display vkms] [--size 640x480]
 *                          [--frames 300] [--warmup 10] [--access libv4l2|direct]
 *                          [--show flip|blocking]
 */
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <dmabridge/frame_copy.h>

#include "callgrind_markers.h"
#include "frame_counters.h"
#include "library_loop.h"

using namespace dmabridge;
using namespace dmabridge::bench;

namespace {

struct Arguments
{
	LoopOptions loop;
	unsigned frames = 300;
	unsigned warmup = 10;
};

bool parse(int argc, char **argv, Arguments &args)
{
	for (int i = 1; i + 1 < argc; i += 2) {
		std::string key = argv[i];
		const char *value = argv[i + 1];
		if (key == "--camera")
			args.loop.camera = value;
		else if (key == "--display")
			args.loop.display = value;
		else if (key == "--size" &&
			 std::sscanf(value, "%ux%u", &args.loop.width, &args.loop.height) == 2)
			continue;
		else if (key == "--frames")
			args.frames = unsigned(std::atoi(value));
		else if (key == "--warmup")
			args.warmup = unsigned(std::atoi(value));
		else if (key == "--access" && !std::strcmp(value, "direct"))
			args.loop.access = V4l2Access::Direct;
		else if (key == "--show" && !std::strcmp(value, "blocking"))
			args.loop.show = ShowMode::Blocking;
		else if (key != "--access" && key != "--show")
			return false;
	}
	return argc % 2 == 1 && args.frames > args.warmup + 1;
}

/* What the display shows, read back through writeback: "same", or why not. */
std::string compareWithScreen(CameraToDisplay &loop)
{
	KmsDisplay &display = loop.display();
	const Layout &shown = loop.layout();
	if (!display.hasWriteback())
		return "not compared (no writeback connector)";
	if (display.width() != shown.width || display.height() != shown.height)
		return "not compared (the mode is not of the frame's size)";
	Layout readLayout;
	Result<DmaBuf> read = loop.readScreen(&readLayout);
	if (!read)
		return "not compared (" + read.error().describe() + ")";
	CpuAccess a(loop.shown(), CpuAccessMode::Read), b(*read, CpuAccessMode::Read);
	uint64_t differing = differingPixels(a.read(), shown, b.read(), readLayout);
	uint64_t colours = distinctColours(a.read(), shown);
	if (differing)
		return std::to_string(differing) + " pixels differ";
	return colours < 5 ? "blank (" + std::to_string(colours) + " colours)" : "same";
}

void printPerFrame(const FrameCounters &start, const FrameCounters &end, unsigned measured)
{
	uint64_t ioctls = 0;
	for (const auto &[kind, count] : end.calls) {
		std::printf("calls %s=%" PRIu64 "\n", kind.c_str(), end.since(start, kind));
		if (kind != "poll")
			ioctls += end.since(start, kind);
	}
	std::printf("ioctls-per-frame %.2f\n", double(ioctls) / measured);
	std::printf("polls-per-frame %.2f\n", double(end.since(start, "poll")) / measured);
	std::printf("allocations-per-frame %.2f\n",
		    double(end.allocations - start.allocations) / measured);
	/* A copy through the CPU would bracket its access with the sync ioctl. */
	std::printf("cpu-syncs %" PRIu64 "\n", end.since(start, "DMA_BUF_IOCTL_SYNC"));
}

} /* namespace */

int main(int argc, char **argv)
{
	Arguments args;
	if (!parse(argc, argv, args)) {
		std::fprintf(stderr,
			     "usage: %s [--camera NAME] [--display DRIVER] [--size WxH] "
			     "[--frames N] [--warmup N] [--access libv4l2|direct] "
			     "[--show flip|blocking] (frames > warmup + 1)\n",
			     argv[0]);
		return 2;
	}
	dmabridge_bench_startup_begins();
	Result<std::unique_ptr<CameraToDisplay>> loop = CameraToDisplay::open(args.loop);
	if (!loop) {
		std::printf("error %s\n", loop.error().describe().c_str());
		return 1;
	}
	std::printf("plan %s\n", (*loop)->plan().explain().c_str());
	Status status;
	FrameCounters start, end;
	while (status && (*loop)->frames() < args.frames) {
		if ((*loop)->frames() == args.warmup) {
			start = countersAtStart();
			dmabridge_bench_frames_begin();
		}
		status = (*loop)->frame();
		if ((*loop)->frames() == 1)
			dmabridge_bench_startup_ends();
	}
	dmabridge_bench_frames_end();
	end = countersAtEnd();
	std::printf("frames %u\n", (*loop)->frames());
	if (!status) {
		std::printf("error %s\n", status.error().describe().c_str());
		return 1;
	}
	unsigned measured = args.frames - args.warmup;
	std::printf("measured %u\n", measured);
	printPerFrame(start, end, measured);
	std::printf("framebuffer-imports %" PRIu64 "\n", (*loop)->framebuffers().imports());
	std::printf("commits %" PRIu64 "\nflips %" PRIu64 "\n", (*loop)->display().commits(),
		    (*loop)->display().flips());
	std::string screen = compareWithScreen(**loop);
	std::printf("writeback %s\n", screen.c_str());
	return screen == "same" ? 0 : 1;
}
