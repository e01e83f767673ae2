/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "library_loop.h"

#include <drm_fourcc.h>

#include <dmabridge/heap.h>

namespace dmabridge::bench {

namespace {

/* Long enough for vivid's first frame at 3840x2160 in the emulated board. */
constexpr int kFrameTimeoutMs = 20000;

} /* namespace */

CameraToDisplay::CameraToDisplay(DrmDevice drm, KmsDisplay display, V4l2Device camera,
				 ShowMode show)
	: drm_(std::move(drm)), display_(std::move(display)), camera_(std::move(camera)),
	  show_(show), framebuffers_(drm_)
{
}

CameraToDisplay::~CameraToDisplay()
{
	if (streaming_)
		(void)camera_.streamOff(V4l2Direction::Capture);
	if (display_.flipPending())
		(void)display_.waitForFlip(kFrameTimeoutMs);
	(void)display_.disable();
}

Result<std::unique_ptr<CameraToDisplay>> CameraToDisplay::open(const LoopOptions &options)
{
	Result<DrmDevice> drm = DrmDevice::openByDriver(options.display);
	if (!drm)
		return drm.error();
	Result<DeviceConstraints> screen = drm->probe();
	if (!screen)
		return screen.error();
	Result<KmsDisplay> display = KmsDisplay::open(*drm);
	if (!display)
		return display.error();
	Result<V4l2Device> camera = V4l2Device::openByName(options.camera, options.access);
	if (!camera)
		return camera.error();
	std::unique_ptr<CameraToDisplay> loop(new CameraToDisplay(
		std::move(*drm), std::move(*display), std::move(*camera), options.show));
	if (Status started = loop->start(options, *screen); !started)
		return started.error();
	return loop;
}

/* The plan for camera and screen, its buffers, all queued, and the stream on. */
Status CameraToDisplay::start(const LoopOptions &options, const DeviceConstraints &screen)
{
	Result<DeviceConstraints> producer = camera_.probe(V4l2Direction::Capture);
	if (!producer)
		return producer.error();
	uint32_t fourcc = options.fourcc ? options.fourcc : DRM_FORMAT_XRGB8888;
	Result<Plan> plan = Planner().plan({ *producer,
					     { screen },
					     fourcc,
					     options.width,
					     options.height,
					     options.bufferCount,
					     listHeaps() });
	if (!plan)
		return plan.error();
	plan_ = std::move(*plan);
	/* This loop is the zero-copy path: a plan that copies is another benchmark. */
	if (plan_.copy)
		return Error(ENOTSUP, camera_.label() + " to " + drm_.label() +
					      " needs a copy: " + plan_.copyReason);
	Result<AllocatedBuffers> buffers = allocateBuffers(plan_, "library-loop");
	if (!buffers)
		return buffers.error();
	buffers_ = std::move(*buffers);
	Result<Layout> layout = camera_.setFormat(V4l2Direction::Capture, buffers_.layout);
	if (!layout)
		return layout.error();
	layout_ = *layout;

	Result<unsigned> granted = camera_.requestBuffers(
		V4l2Direction::Capture, V4l2Memory::DmaBuf, unsigned(buffers_.buffers.size()));
	if (!granted)
		return granted.error();
	for (unsigned i = 0; i < buffers_.buffers.size(); i++)
		if (Status queued = camera_.queueDmaBuf(V4l2Direction::Capture, i,
							{ &buffers_.buffers[i], 1 }, layout_);
		    !queued)
			return queued;
	if (Status on = camera_.streamOn(V4l2Direction::Capture); !on)
		return on;
	streaming_ = true;
	return {};
}

Status CameraToDisplay::frame()
{
	Result<V4l2Dequeued> captured =
		camera_.dequeue(V4l2Direction::Capture, V4l2Memory::DmaBuf, kFrameTimeoutMs);
	if (!captured)
		return captured.error();
	unsigned index = captured->index;
	const DmaBuf &buffer = buffers_.buffers[index];
	/* A frame the driver marked bad goes straight back. */
	if (captured->error)
		return camera_.queueDmaBuf(V4l2Direction::Capture, index, { &buffer, 1 }, layout_);

	Result<uint32_t> framebuffer = framebuffers_.framebuffer({ &buffer, 1 }, layout_);
	if (!framebuffer)
		return framebuffer.error();
	if (Status shown = showFrame(*framebuffer); !shown)
		return shown;

	/* The frame before is off the screen now: the camera may fill its buffer again. */
	unsigned previous = onScreen_;
	onScreen_ = index;
	if (frames_++ == 0)
		return {};
	return camera_.queueDmaBuf(V4l2Direction::Capture, previous,
				   { &buffers_.buffers[previous], 1 }, layout_);
}

/* On the screen when this returns: a blocking commit, or a flip and its event. */
Status CameraToDisplay::showFrame(uint32_t framebuffer)
{
	if (show_ == ShowMode::Blocking)
		return display_.show(framebuffer, layout_);
	if (Status shown = display_.showWhenReady(framebuffer, layout_, -1); !shown)
		return shown;
	return display_.waitForFlip(kFrameTimeoutMs);
}

Result<DmaBuf> CameraToDisplay::readScreen(Layout *readLayout)
{
	Result<DmaBuf> read = drm_.allocateDumb(
		*computeLayout(DRM_FORMAT_XRGB8888, layout_.width, layout_.height), readLayout);
	if (!read)
		return read;
	if (Status back = display_.readBack(framebuffers_, *read, *readLayout); !back)
		return back.error();
	return read;
}

} /* namespace dmabridge::bench */
