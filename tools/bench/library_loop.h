/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A camera application that uses only the library: a V4L2 camera's frames shown on a KMS
 * display with no copy and no GStreamer. Set up once (probe, plan, allocate, import as
 * the frames come); then a frame is what the hardware needs and nothing more: VIDIOC_DQBUF,
 * the framebuffer the buffer already has, one atomic commit, and VIDIOC_QBUF of the buffer
 * the new frame replaced on the screen. The benchmark's library row (dmabridge-library-loop)
 * and the frame-path allocation test run this same loop.
 */
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <dmabridge/allocator.h>
#include <dmabridge/drm.h>
#include <dmabridge/kms.h>
#include <dmabridge/plan.h>
#include <dmabridge/v4l2.h>

namespace dmabridge::bench {

/* How a frame reaches the screen. */
enum class ShowMode
{
	/* A non-blocking commit, then its page-flip event (as dmabridgekmssink shows). */
	Flip,
	/* A blocking commit (as the libcamera example shows). */
	Blocking
};

struct LoopOptions
{
	std::string camera = "vivid-000"; /* V4L2 device, by name */
	std::string display = "vkms";     /* DRM driver */
	uint32_t fourcc = 0;              /* 0: XRGB8888 */
	uint32_t width = 640, height = 480;
	unsigned bufferCount = 4;
	V4l2Access access = V4l2Access::Libv4l2;
	ShowMode show = ShowMode::Flip;
};

class CameraToDisplay
{
public:
	/* Probes both devices, plans, allocates, queues every buffer and starts streaming. */
	static Result<std::unique_ptr<CameraToDisplay>> open(const LoopOptions &options);
	/* Stops streaming and turns the display off. */
	~CameraToDisplay();
	CameraToDisplay(const CameraToDisplay &) = delete;
	CameraToDisplay &operator=(const CameraToDisplay &) = delete;

	/* The next frame from the camera, shown; its predecessor's buffer queued again. */
	Status frame();

	/* Frames shown so far. */
	unsigned frames() const { return frames_; }
	/* The buffer on the screen now (after a frame) and its layout. */
	const DmaBuf &shown() const { return buffers_.buffers[onScreen_]; }
	const Layout &layout() const { return layout_; }
	const Plan &plan() const { return plan_; }
	const DrmDevice &drm() const { return drm_; }
	KmsDisplay &display() { return display_; }
	FramebufferCache &framebuffers() { return framebuffers_; }
	/* What the display shows now, read back through its writeback into a buffer of the
	 * frame's size (XRGB8888); readLayout is that buffer's layout. */
	Result<DmaBuf> readScreen(Layout *readLayout);

private:
	CameraToDisplay(DrmDevice drm, KmsDisplay display, V4l2Device camera, ShowMode show);
	Status start(const LoopOptions &options, const DeviceConstraints &screen);
	Status showFrame(uint32_t framebuffer);

	DrmDevice drm_;
	KmsDisplay display_;
	V4l2Device camera_;
	ShowMode show_;
	FramebufferCache framebuffers_;
	Plan plan_;
	AllocatedBuffers buffers_;
	Layout layout_;
	bool streaming_ = false;
	unsigned onScreen_ = 0;
	unsigned frames_ = 0;
};

} /* namespace dmabridge::bench */
