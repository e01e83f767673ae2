/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <dmabridge/dmabuf.h>
#include <dmabridge/error.h>
#include <dmabridge/layout.h>
#include <dmabridge/public.h>
#include <dmabridge/unique_fd.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/* How YUV maps to RGB: the matrix, in limited (16-235) range. */
enum class YuvEncoding
{
	Bt601,
	Bt709
};

/*
 * Converts (YUV to RGB) and scales frames on a GPU, dma-buf in and dma-buf out: GLES
 * (GlConverter) or Vulkan (VkConverter). Sources are sampled without any driver YUV
 * support: RGB formats whole, YUV plane by plane (R8, GR88, or packed 4:2:2 as RGBA of
 * half width) and converted in the shader. Imports are cached by buffer identity: a pool
 * of N buffers costs N imports; release() drops those of a buffer that went.
 */
class GpuConverter
{
public:
	virtual ~GpuConverter() = default;

	/* Whether a GPU converter reads fourcc as a source, and renders into it. */
	static bool canRead(uint32_t fourcc);
	static bool canWrite(uint32_t fourcc);

	/* The renderer and its version, as the driver names them. */
	virtual std::string describe() const = 0;

	/*
	 * Draws source into destination, scaled to the destination's size. Without done, it
	 * waits for the GPU. With done, it returns once the work is queued and sets *done to
	 * a sync_file that signals when the destination is written, or to no fd when the
	 * work is already finished (fenceSource() says which).
	 */
	virtual Status convert(std::span<const DmaBuf> source, const Layout &sourceLayout,
			       const DmaBuf &destination, const Layout &destinationLayout,
			       YuvEncoding encoding = YuvEncoding::Bt601,
			       UniqueFd *done = nullptr) = 0;
	/* Where convert()'s sync_files come from, in words. */
	virtual std::string fenceSource() const = 0;

	/* Imports made: one per sampled plane of each source, one per destination. */
	virtual uint64_t imports() const = 0;
	/* Imported images alive now. */
	virtual size_t images() const = 0;
	/* Drops the imports of a buffer that went away. */
	virtual void release(const BufferIdentity &identity) = 0;
};

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
