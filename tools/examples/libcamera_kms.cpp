/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridge-libcamera-kms: the pattern for a camera application without GStreamer.
 *
 * 1. libcamera configures the camera; its format, size and stride become a Layout.
 * 2. The planner, given the camera (as its V4L2 video nodes describe it: libcamera says
 *    nothing of memory) and the display, decides where the buffers live; the
 *    library allocates them (a dma-buf heap or a DRM device's dumb buffers), and they go
 *    to libcamera as external FrameBuffers: no FrameBufferAllocator, no copy to get them
 *    where the display can read them.
 * 3. Each completed request's buffer is shown through the KMS importer: one framebuffer
 *    per buffer, then only atomic commits. When the display can't take the camera's
 *    format (vkms and libcamera's vimc, 24-bit RGB), the plan says why and each frame is
 *    copied once into a display buffer, counted.
 * At the end the display is read back through writeback and compared with the last frame.
 *
 *   dmabridge-libcamera-kms [--frames N] [--display DRIVER]
 */
#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>

#include <drm_fourcc.h>
#include <libcamera/libcamera.h>

#include <dmabridge/allocator.h>
#include <dmabridge/camera.h>
#include <dmabridge/drm.h>
#include <dmabridge/frame_copy.h>
#include <dmabridge/heap.h>
#include <dmabridge/kms.h>
#include <dmabridge/plan.h>

using namespace dmabridge;

namespace {

/* Completed requests, handed from libcamera's thread to the main loop. */
class Completions
{
public:
	void push(libcamera::Request *request)
	{
		std::lock_guard<std::mutex> locker(lock_);
		done_.push_back(request);
		ready_.notify_one();
	}
	libcamera::Request *pop()
	{
		std::unique_lock<std::mutex> locker(lock_);
		if (!ready_.wait_for(locker, std::chrono::seconds(30),
				     [&] { return !done_.empty(); }))
			return nullptr;
		libcamera::Request *request = done_.front();
		done_.pop_front();
		return request;
	}

private:
	std::mutex lock_;
	std::condition_variable ready_;
	std::deque<libcamera::Request *> done_;
};

/* Says what failed; the step that calls it gives up, and so does main. */
void complain(const std::string &what)
{
	std::cerr << "dmabridge-libcamera-kms: " << what << "\n";
}

struct Arguments
{
	unsigned frames = 30;
	std::string driver; /* --display: a DRM driver; empty: the first with modesetting */
};

Arguments parseArguments(int argc, char **argv)
{
	Arguments arguments;
	for (int i = 1; i + 1 < argc; i += 2) {
		std::string arg = argv[i];
		if (arg == "--frames")
			arguments.frames = unsigned(std::atoi(argv[i + 1]));
		else if (arg == "--display")
			arguments.driver = argv[i + 1];
	}
	return arguments;
}

/* The display: its DRM device, its output, and what it accepts (half of the plan). */
struct Display
{
	DrmDevice drm;
	KmsDisplay kms;
	DeviceConstraints constraints;
};

/* The DRM device of driver when it has modesetting, else the first that has. */
std::optional<Display> openDisplay(const std::string &driver)
{
	Result<DrmDevice> drm = driver.empty() ? Result<DrmDevice>(Error(ENODEV, "no --display"))
					       : DrmDevice::openByDriver(driver);
	if (!drm || !drm->hasModesetting())
		drm = DrmDevice::openDisplayDevice();
	if (!drm) {
		complain("no display: " + drm.error().describe());
		return std::nullopt;
	}
	Result<KmsDisplay> display = KmsDisplay::open(*drm);
	Result<DeviceConstraints> constraints = drm->probe();
	if (!display || !constraints) {
		complain(display ? constraints.error().describe() : display.error().describe());
		return std::nullopt;
	}
	return Display{ std::move(*drm), std::move(*display), std::move(*constraints) };
}

/* The camera as libcamera configured it, and its stream as a Layout. */
struct Camera
{
	std::shared_ptr<libcamera::Camera> camera;
	std::unique_ptr<libcamera::CameraConfiguration> config;
	Layout layout;

	libcamera::StreamConfiguration &stream() const { return config->at(0); }
};

/* The first camera, 640x480 with 4 buffers, acquired and configured. */
std::optional<Camera> configureCamera(libcamera::CameraManager &manager)
{
	if (manager.start() < 0 || manager.cameras().empty()) {
		complain("no camera (libcamera finds them through udev: is it running?)");
		return std::nullopt;
	}
	Camera c{ manager.cameras().front(), nullptr, {} };
	c.camera->acquire();
	c.config = c.camera->generateConfiguration({ libcamera::StreamRole::Viewfinder });
	libcamera::StreamConfiguration &stream = c.stream();
	stream.size = { 640, 480 };
	stream.bufferCount = 4;
	c.config->validate();
	if (c.camera->configure(c.config.get()) < 0) {
		complain("camera " + c.camera->id() + " refused " + stream.toString());
		return std::nullopt;
	}
	uint32_t fourcc = stream.pixelFormat.fourcc(); /* libcamera formats are DRM fourccs */
	Result<Layout> layout =
		layoutFromStride(fourcc, stream.size.width, stream.size.height, stream.stride);
	if (!layout) {
		complain(stream.toString() + ": " + layout.error().describe());
		return std::nullopt;
	}
	c.layout = *layout;
	std::cout << "camera: " << c.camera->id() << ", " << c.layout.describe() << "\n";
	return c;
}

/*
 * The camera as the planner sees it. libcamera says nothing of memory: the camera's
 * constraints are its video nodes' (a unicam or ISI camera needs contiguous memory,
 * vimc's doesn't).
 */
DeviceConstraints producerOf(const Camera &c)
{
	Result<DeviceConstraints> found = cameraConstraints(c.camera->id());
	DeviceConstraints producer;
	if (found) {
		producer = std::move(*found);
	} else {
		producer.name = c.camera->id();
		producer.role = "libcamera camera";
		producer.contiguous = { true, "its video nodes were not found (" +
						      found.error().describe() +
						      "): contiguous memory suits any camera" };
	}
	producer.formats = { { c.layout.fourcc, {} } }; /* what libcamera configured */
	std::cout << "camera memory: " << (producer.needsContiguousMemory() ? "contiguous" : "any")
		  << " (" << producer.contiguous.source << ")\n";
	return producer;
}

/* The buffers, planned for the camera and the display and allocated. */
struct Planned
{
	Plan plan;
	AllocatedBuffers buffers;
};

std::optional<Planned> planBuffers(const Camera &c, const Display &display)
{
	const libcamera::StreamConfiguration &stream = c.stream();
	Result<Plan> plan = Planner().plan({ producerOf(c),
					     { display.constraints },
					     c.layout.fourcc,
					     c.layout.width,
					     c.layout.height,
					     stream.bufferCount,
					     listHeaps() });
	if (!plan) {
		complain(plan.error().describe());
		return std::nullopt;
	}
	std::cout << "plan: " << plan->explain() << "\n";
	plan->bufferSize = std::max<uint64_t>(plan->bufferSize, stream.frameSize);
	Result<AllocatedBuffers> buffers = allocateBuffers(*plan, "libcamera-kms");
	if (!buffers) {
		complain(buffers.error().describe());
		return std::nullopt;
	}
	return Planned{ std::move(*plan), std::move(*buffers) };
}

/* Our dma-bufs as libcamera's external FrameBuffers, one request each. */
struct Requests
{
	std::vector<std::unique_ptr<libcamera::FrameBuffer>> frameBuffers;
	std::vector<std::unique_ptr<libcamera::Request>> requests;
};

Requests requestsFor(const Camera &c, const AllocatedBuffers &buffers)
{
	Requests made;
	for (size_t i = 0; i < buffers.buffers.size(); i++) {
		libcamera::FrameBuffer::Plane plane;
		plane.fd = libcamera::SharedFD(buffers.buffers[i].fd().duplicate().release());
		plane.offset = 0;
		plane.length = c.stream().frameSize;
		made.frameBuffers.push_back(std::make_unique<libcamera::FrameBuffer>(
			std::vector<libcamera::FrameBuffer::Plane>{ plane }));
		std::unique_ptr<libcamera::Request> request = c.camera->createRequest(i);
		request->addBuffer(c.stream().stream(), made.frameBuffers.back().get());
		made.requests.push_back(std::move(request));
	}
	return made;
}

/* What the display shows: the camera's buffers, or the copies the plan calls for. */
struct Shown
{
	std::vector<DmaBuf> copies; /* two of a mode's size, XRGB8888, when the plan copies */
	Layout copyLayout;
	std::vector<DmaBuf> last; /* the frame on screen */
	Layout lastLayout;
};

std::optional<Shown> prepareShown(const Plan &plan, const Display &display, const Layout &layout)
{
	Shown shown;
	if (!plan.copy)
		return shown;
	std::cout << "copy: " << plan.copyReason << "\n";
	auto sizes = display.kms.modeSizes();
	auto fits = std::find_if(sizes.begin(), sizes.end(), [&](auto s) {
		return s.first >= layout.width && s.second >= layout.height;
	});
	auto size = fits != sizes.end() ? *fits : sizes.front();
	for (int i = 0; i < 2; i++) {
		Result<DmaBuf> copy = display.drm.allocateDumb(
			*computeLayout(DRM_FORMAT_XRGB8888, size.first, size.second),
			&shown.copyLayout);
		if (!copy) {
			complain(copy.error().describe());
			return std::nullopt;
		}
		shown.copies.push_back(std::move(*copy));
	}
	return shown;
}

/* What streaming did: frames shown, copies made, and how it ended. */
struct Streaming
{
	unsigned done = 0, copied = 0;
	SyncCounter syncCalls = 0;
	Status status;
};

/* The frame to show for a captured one: the camera's buffer, or a copy of it. */
Status frameToShow(const DmaBuf &captured, const Layout &layout, Shown &shown, Streaming &streaming)
{
	if (shown.copies.empty()) {
		shown.last = { captured };
		shown.lastLayout = layout;
		return {};
	}
	const DmaBuf &target = shown.copies[streaming.done % shown.copies.size()];
	CpuAccess in(captured, CpuAccessMode::Read, &streaming.syncCalls);
	CpuAccess out(target, CpuAccessMode::Write, &streaming.syncCalls);
	Result<uint64_t> bytes = copyPixels(in.read(), layout, out.write(), shown.copyLayout);
	if (!bytes)
		return bytes.error();
	streaming.copied++;
	shown.last = { target };
	shown.lastLayout = shown.copyLayout;
	return {};
}

/*
 * Shows frames as the camera completes them, each request queued again once its frame
 * is on screen, until frames were shown or something failed (streaming.status). False
 * when the camera did not start.
 */
bool stream(const Camera &c, const Planned &planned, Requests &requests, Display &display,
	    FramebufferCache &cache, Shown &shown, unsigned frames, Streaming &streaming)
{
	Completions completions;
	c.camera->requestCompleted.connect(&completions, &Completions::push);
	if (c.camera->start() < 0) {
		complain("camera " + c.camera->id() + " did not start");
		return false;
	}
	for (auto &request : requests.requests)
		c.camera->queueRequest(request.get());
	while (streaming.done < frames && streaming.status) {
		libcamera::Request *request = completions.pop();
		if (!request) {
			streaming.status = Error(ETIMEDOUT, "no frame from " + c.camera->id() +
								    " within 30 s");
			break;
		}
		if (request->status() != libcamera::Request::RequestComplete)
			continue;
		const DmaBuf &captured = planned.buffers.buffers[request->cookie()];
		streaming.status = frameToShow(captured, c.layout, shown, streaming);
		if (!streaming.status)
			break;
		Result<uint32_t> framebuffer = cache.framebuffer(shown.last, shown.lastLayout);
		streaming.status = framebuffer ? display.kms.show(*framebuffer, shown.lastLayout)
					       : Status(framebuffer.error());
		streaming.done++;
		request->reuse(libcamera::Request::ReuseBuffers);
		c.camera->queueRequest(request);
	}
	c.camera->stop();
	c.camera->requestCompleted.disconnect(&completions);
	return true;
}

/*
 * What the display showed at the end, read back through writeback, against the last frame
 * shown: the pixels that differ (UINT64_MAX when they could not be compared), and the
 * last frame's distinct colours, for a blank frame equal to a blank screen proves nothing.
 */
struct OnScreen
{
	uint64_t differing = UINT64_MAX;
	uint64_t colours = 0;

	bool right() const { return differing == 0 && colours > 1; }
};

OnScreen readScreen(Display &display, FramebufferCache &cache, const Shown &shown)
{
	if (!display.kms.hasWriteback())
		return {};
	Layout readLayout;
	Result<DmaBuf> read = display.drm.allocateDumb(
		*computeLayout(DRM_FORMAT_XRGB8888, display.kms.width(), display.kms.height()),
		&readLayout);
	if (!read || !display.kms.readBack(cache, *read, readLayout) ||
	    !(readLayout == shown.lastLayout))
		return {};
	CpuAccess a(shown.last[0], CpuAccessMode::Read), b(*read, CpuAccessMode::Read);
	return { differingPixels(a.read(), shown.lastLayout, b.read(), readLayout),
		 distinctColours(a.read(), shown.lastLayout) };
}

void report(const Streaming &streaming, const FramebufferCache &cache, const OnScreen &screen,
	    const Plan &plan)
{
	std::cout << "frames: " << streaming.done << ", copies: " << streaming.copied
		  << ", framebuffer imports: " << cache.imports()
		  << ", sync calls: " << streaming.syncCalls.load() << "\n"
		  << "display: "
		  << (screen.differing != 0 ? "writeback could not be compared or differs"
		      : screen.colours < 2  ? "the last frame shown is blank"
					    : "writeback equals the last frame shown")
		  << "\nzero-copy: " << (plan.copy ? "no (" + plan.copyReason + ")" : "yes")
		  << "\n";
}

} /* namespace */

int main(int argc, char **argv)
{
	Arguments arguments = parseArguments(argc, argv);
	/* The display first: it is half of what the plan is for. */
	std::optional<Display> display = openDisplay(arguments.driver);
	if (!display)
		return 1;
	libcamera::CameraManager manager;
	std::optional<Camera> camera = configureCamera(manager);
	if (!camera)
		return 1;
	std::optional<Planned> planned = planBuffers(*camera, *display);
	if (!planned)
		return 1;
	Requests requests = requestsFor(*camera, planned->buffers);
	FramebufferCache cache(display->drm);
	std::optional<Shown> shown = prepareShown(planned->plan, *display, camera->layout);
	if (!shown)
		return 1;

	Streaming streaming;
	if (!stream(*camera, *planned, requests, *display, cache, *shown, arguments.frames,
		    streaming))
		return 1;
	OnScreen screen = streaming.status ? readScreen(*display, cache, *shown) : OnScreen{};
	(void)display->kms.disable();
	camera->camera->release();

	report(streaming, cache, screen, planned->plan);
	if (!streaming.status) {
		complain(streaming.status.error().describe());
		return 1;
	}
	return streaming.done == arguments.frames && screen.right() ? 0 : 1;
}
