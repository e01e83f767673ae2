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
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <mutex>
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

int fail(const std::string &what)
{
	std::cerr << "dmabridge-libcamera-kms: " << what << "\n";
	return 1;
}

} /* namespace */

int main(int argc, char **argv)
{
	unsigned frames = 30;
	std::string driver;
	for (int i = 1; i + 1 < argc; i += 2) {
		std::string arg = argv[i];
		if (arg == "--frames")
			frames = unsigned(std::atoi(argv[i + 1]));
		else if (arg == "--display")
			driver = argv[i + 1];
	}

	/* The display first: it is half of what the plan is for. */
	Result<DrmDevice> drm = driver.empty() ? Result<DrmDevice>(Error(ENODEV, "no --display"))
					       : DrmDevice::openByDriver(driver);
	for (const std::string &path : DrmDevice::nodes()) {
		if (drm && drm->hasModesetting())
			break;
		drm = DrmDevice::open(path);
	}
	if (!drm || !drm->hasModesetting())
		return fail("no display: " + (drm ? "no KMS device" : drm.error().describe()));
	Result<KmsDisplay> display = KmsDisplay::open(*drm);
	Result<DeviceConstraints> displayConstraints = drm->probe();
	if (!display || !displayConstraints)
		return fail(display ? displayConstraints.error().describe()
				    : display.error().describe());

	/* The camera, configured by libcamera. */
	libcamera::CameraManager manager;
	if (manager.start() < 0 || manager.cameras().empty())
		return fail("no camera (libcamera finds them through udev: is it running?)");
	std::shared_ptr<libcamera::Camera> camera = manager.cameras().front();
	camera->acquire();
	std::unique_ptr<libcamera::CameraConfiguration> config =
		camera->generateConfiguration({ libcamera::StreamRole::Viewfinder });
	libcamera::StreamConfiguration &stream = config->at(0);
	stream.size = { 640, 480 };
	stream.bufferCount = 4;
	config->validate();
	if (camera->configure(config.get()) < 0)
		return fail("camera " + camera->id() + " refused " + stream.toString());
	uint32_t fourcc = stream.pixelFormat.fourcc(); /* libcamera formats are DRM fourccs */
	Result<Layout> layout =
		layoutFromStride(fourcc, stream.size.width, stream.size.height, stream.stride);
	if (!layout)
		return fail(stream.toString() + ": " + layout.error().describe());
	std::cout << "camera: " << camera->id() << ", " << layout->describe() << "\n";

	/*
	 * The plan. libcamera says nothing of memory: the camera's constraints are its video
	 * nodes' (a unicam or ISI camera needs contiguous memory, vimc's doesn't).
	 */
	Result<DeviceConstraints> found = cameraConstraints(camera->id());
	DeviceConstraints producer;
	if (found) {
		producer = std::move(*found);
	} else {
		producer.name = camera->id();
		producer.role = "libcamera camera";
		producer.contiguous = { true, "its video nodes were not found (" +
						      found.error().describe() +
						      "): contiguous memory suits any camera" };
	}
	producer.formats = { { fourcc, {} } }; /* what libcamera configured, whichever node */
	std::cout << "camera memory: " << (producer.needsContiguousMemory() ? "contiguous" : "any")
		  << " (" << producer.contiguous.source << ")\n";
	Result<Plan> plan = Planner().plan({ producer,
					     { *displayConstraints },
					     fourcc,
					     layout->width,
					     layout->height,
					     stream.bufferCount,
					     listHeaps() });
	if (!plan)
		return fail(plan.error().describe());
	std::cout << "plan: " << plan->explain() << "\n";
	plan->bufferSize = std::max<uint64_t>(plan->bufferSize, stream.frameSize);
	Result<AllocatedBuffers> buffers = allocateBuffers(*plan, "libcamera-kms");
	if (!buffers)
		return fail(buffers.error().describe());

	/* Our dma-bufs as libcamera's external FrameBuffers, one request each. */
	std::vector<std::unique_ptr<libcamera::FrameBuffer>> frameBuffers;
	std::vector<std::unique_ptr<libcamera::Request>> requests;
	for (size_t i = 0; i < buffers->buffers.size(); i++) {
		libcamera::FrameBuffer::Plane plane;
		plane.fd = libcamera::SharedFD(buffers->buffers[i].fd().duplicate().release());
		plane.offset = 0;
		plane.length = stream.frameSize;
		frameBuffers.push_back(std::make_unique<libcamera::FrameBuffer>(
			std::vector<libcamera::FrameBuffer::Plane>{ plane }));
		std::unique_ptr<libcamera::Request> request = camera->createRequest(i);
		request->addBuffer(stream.stream(), frameBuffers.back().get());
		requests.push_back(std::move(request));
	}

	/* Display buffers for the copy the plan may call for: a mode's size, XRGB8888. */
	FramebufferCache cache(*drm);
	std::vector<DmaBuf> shown;
	Layout shownLayout;
	std::vector<DmaBuf> copies;
	if (plan->copy) {
		std::cout << "copy: " << plan->copyReason << "\n";
		auto sizes = display->modeSizes();
		auto fits = std::find_if(sizes.begin(), sizes.end(), [&](auto s) {
			return s.first >= layout->width && s.second >= layout->height;
		});
		auto size = fits != sizes.end() ? *fits : sizes.front();
		for (int i = 0; i < 2; i++) {
			Result<DmaBuf> copy = drm->allocateDumb(
				*computeLayout(DRM_FORMAT_XRGB8888, size.first, size.second),
				&shownLayout);
			if (!copy)
				return fail(copy.error().describe());
			copies.push_back(std::move(*copy));
		}
	}

	Completions completions;
	camera->requestCompleted.connect(&completions, &Completions::push);
	if (camera->start() < 0)
		return fail("camera " + camera->id() + " did not start");
	for (auto &request : requests)
		camera->queueRequest(request.get());

	unsigned done = 0, copied = 0;
	SyncCounter syncCalls = 0;
	Status status;
	while (done < frames && status) {
		libcamera::Request *request = completions.pop();
		if (!request) {
			status = Error(ETIMEDOUT, "no frame from " + camera->id() + " within 30 s");
			break;
		}
		if (request->status() != libcamera::Request::RequestComplete)
			continue;
		const DmaBuf &captured = buffers->buffers[request->cookie()];
		if (plan->copy) {
			const DmaBuf &target = copies[done % copies.size()];
			CpuAccess in(captured, CpuAccessMode::Read, &syncCalls);
			CpuAccess out(target, CpuAccessMode::Write, &syncCalls);
			Result<uint64_t> bytes =
				copyPixels(in.read(), *layout, out.write(), shownLayout);
			if (!bytes) {
				status = bytes.error();
				break;
			}
			copied++;
			shown = { target };
		} else {
			shown = { captured };
			shownLayout = *layout;
		}
		Result<uint32_t> framebuffer = cache.framebuffer(shown, shownLayout);
		status = framebuffer ? display->show(*framebuffer, shownLayout)
				     : Status(framebuffer.error());
		done++;
		request->reuse(libcamera::Request::ReuseBuffers);
		camera->queueRequest(request);
	}
	camera->stop();

	/* What the display showed, read back and compared with the last frame. */
	uint64_t differing = UINT64_MAX;
	if (status && display->hasWriteback()) {
		Layout readLayout;
		Result<DmaBuf> read = drm->allocateDumb(
			*computeLayout(DRM_FORMAT_XRGB8888, display->width(), display->height()),
			&readLayout);
		if (read && display->readBack(cache, *read, readLayout) &&
		    readLayout == shownLayout) {
			CpuAccess a(shown[0], CpuAccessMode::Read), b(*read, CpuAccessMode::Read);
			differing = differingPixels(a.read(), shownLayout, b.read(), readLayout);
		}
	}
	(void)display->disable();
	camera->release();

	std::cout << "frames: " << done << ", copies: " << copied
		  << ", framebuffer imports: " << cache.imports()
		  << ", sync calls: " << syncCalls.load() << "\n"
		  << "display: "
		  << (differing == 0 ? "writeback equals the last frame shown"
				     : "writeback could not be compared or differs")
		  << "\nzero-copy: " << (plan->copy ? "no (" + plan->copyReason + ")" : "yes")
		  << "\n";
	if (!status)
		return fail(status.error().describe());
	return done == frames && differing == 0 ? 0 : 1;
}
