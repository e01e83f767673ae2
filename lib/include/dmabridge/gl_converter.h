/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include <dmabridge/dmabuf.h>
#include <dmabridge/egl.h>
#include <dmabridge/error.h>
#include <dmabridge/gpu_converter.h>
#include <dmabridge/layout.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * The GLES converter: the source dma-buf is sampled as EGL images, the destination (an RGB
 * format) is imported as an EGL image and rendered into. The converter owns its EGL
 * device, so no GL object outlives the context it was made in. The context is current
 * only inside convert(), release() and the destructor, so a streaming thread may convert
 * and another tear down. Its sync_files come from EGL_ANDROID_native_fence_sync where the
 * driver has it; elsewhere it waits for the GPU (glFinish) and hands out the
 * destination's own (DMA_BUF_IOCTL_EXPORT_SYNC_FILE), for drivers that fence implicitly.
 */
class GlConverter : public GpuConverter
{
	DMABRIDGE_DECLARE_PRIVATE(GlConverter)

public:
	static Result<GlConverter> create(EglDevice device);

	const EglDevice &device() const;

	std::string describe() const override;
	Status convert(std::span<const DmaBuf> source, const Layout &sourceLayout,
		       const DmaBuf &destination, const Layout &destinationLayout,
		       YuvEncoding encoding = YuvEncoding::Bt601,
		       UniqueFd *done = nullptr) override;
	std::string fenceSource() const override;
	uint64_t imports() const override;
	size_t images() const override;
	/* Drops the cached images of a buffer that went away, with the context current. */
	void release(const BufferIdentity &identity) override;
};

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
