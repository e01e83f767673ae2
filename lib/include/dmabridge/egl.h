/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <dmabridge/constraints.h>
#include <dmabridge/dmabuf.h>
#include <dmabridge/drm.h>
#include <dmabridge/error.h>
#include <dmabridge/layout.h>
#include <dmabridge/public.h>
#include <dmabridge/unique_fd.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

class EglImage;

/* What the GPU probe (gpu_probe.h) calls Mesa's software device, where a node would be. */
inline constexpr const char *kSoftwareDevice = "software";

/*
 * A GPU reached through EGL on GBM over one DRM device, or on Mesa's software device,
 * with a current GLES 2 context (no surface). Imports dma-bufs as EGL images
 * (EGL_EXT_image_dma_buf_import). Use it from one thread: the context is current on the thread that
 * opened it.
 */
class EglDevice
{
	DMABRIDGE_DECLARE_PRIVATE(EglDevice)

public:
	static Result<EglDevice> open(const DrmDevice &device);
	/*
	 * EGL on Mesa's software device (EGL_EXT_platform_device, EGL_MESA_device_software):
	 * its software driver without a DRM device, which since Mesa 24.1 maps the dma-bufs
	 * it imports. On GBM over vgem, or on the surfaceless platform (which picks vgem's
	 * render node), the same driver goes through vgem and crashes on memory not vgem's.
	 */
	static Result<EglDevice> openSoftware();

	/*
	 * With no device asked for: EGL on the first render device, or on the software
	 * device, whichever's driver was probed to use more kinds of memory (all: the
	 * render device). Opening it probes it (cached: see gpu_probe.h).
	 */
	static Result<EglDevice> openAny();

	/* "EGL on vgem (/dev/dri/card0)" or "EGL on the software device". */
	const std::string &label() const;

	/* GL_RENDERER ("llvmpipe (LLVM 15.0.6, 256 bits)"), and the quirk-table key. */
	const std::string &renderer() const;
	/* GL_VERSION: "OpenGL ES 3.2 Mesa 25.0.7" names the Mesa release. */
	const std::string &glVersion() const;
	const std::string &driver() const;
	const std::string &drmNode() const;
	bool hasModifiers() const;

	/*
	 * Formats from eglQueryDmaBufFormatsEXT (and modifiers where the driver lists them),
	 * the memory the driver can really use (quirk table), for sampling and rendering.
	 */
	Result<DeviceConstraints> probe() const;

	/* Whether the driver has EGL_ANDROID_native_fence_sync: sync_files for GL work. */
	bool hasNativeFences() const;
	/*
	 * Flushes the GL commands issued so far and returns a sync_file that signals when
	 * they are done (EGL_ANDROID_native_fence_sync), with the context current.
	 */
	Result<UniqueFd> nativeFence() const;

	/* Makes the context current on the calling thread, or current on none. */
	Status makeCurrent() const;
	void releaseCurrent() const;

	/*
	 * An EGL image of the whole frame (the driver must take the format), or of one plane
	 * as a single-plane format: R8 or GR88 for YUV planes, where drivers without YUV
	 * import can still sample them.
	 */
	Result<EglImage> importFrame(std::span<const DmaBuf> buffers, const Layout &layout) const;
	Result<EglImage> importPlane(const DmaBuf &buffer, const Layout &layout, unsigned plane,
				     uint32_t planeFourcc) const;

private:
	/* Initialises the display state holds and makes its GLES context current. */
	static Result<EglDevice> finishOpen(std::unique_ptr<State> state);
	Result<EglImage> createImage(const int32_t *attributes, const std::string &what) const;
	/* The modifiers the driver samples fourcc in (eglQueryDmaBufModifiersEXT, not
	 * external-only); empty for linear alone. */
	std::vector<uint64_t> modifiersOf(uint32_t fourcc) const;
	/* An error naming the GPU, the format and the modifier when it doesn't take them. */
	Status checkModifier(uint32_t fourcc, uint64_t modifier) const;
};

/* An EGL image and the GL texture bound to it; destroyed together. */
class EglImage
{
public:
	EglImage() = default;
	EglImage(EglImage &&other) noexcept;
	EglImage &operator=(EglImage &&other) noexcept;
	~EglImage();

	uint32_t texture() const { return texture_; }
	uint32_t width() const { return width_; }
	uint32_t height() const { return height_; }
	bool isValid() const { return image_ != nullptr; }

private:
	friend class EglDevice;
	void reset();

	void *display_ = nullptr;
	void *image_ = nullptr;
	uint32_t texture_ = 0;
	uint32_t width_ = 0;
	uint32_t height_ = 0;
	void (*destroy_)(void *display, void *image) = nullptr;
};

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
