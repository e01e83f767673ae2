/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include <dmabridge/dmabuf.h>
#include <dmabridge/egl.h>
#include <dmabridge/error.h>
#include <dmabridge/layout.h>

namespace dmabridge {

/* How YUV maps to RGB: the matrix, in limited (16-235) range. */
enum class YuvEncoding
{
	Bt601,
	Bt709
};

/*
 * Converts and scales frames on the GPU: the source dma-buf is sampled as EGL images
 * (RGB whole; YUV plane by plane as R8, GR88 or packed RGBA, converted in the shader),
 * the destination dma-buf (an RGB format) is imported as an EGL image and rendered into.
 * Images are cached by buffer identity: a pool of N buffers costs N imports; release()
 * drops those of a buffer that went. The converter owns its EGL device, so no GL object
 * outlives the context it was made in. The context is current only inside convert(),
 * release() and the destructor, so a streaming thread may convert and another tear down.
 */
class GlConverter
{
public:
	~GlConverter();
	GlConverter(GlConverter &&) noexcept;
	GlConverter &operator=(GlConverter &&) noexcept;

	static Result<GlConverter> create(EglDevice device);

	const EglDevice &device() const;

	/* Whether it can read format as a source, and render to it as a destination. */
	static bool canRead(uint32_t fourcc);
	static bool canWrite(uint32_t fourcc);

	/* Draws source into destination, scaled to the destination's size, and waits. */
	Status convert(std::span<const DmaBuf> source, const Layout &sourceLayout,
		       const DmaBuf &destination, const Layout &destinationLayout,
		       YuvEncoding encoding = YuvEncoding::Bt601);

	uint64_t imports() const;
	/* EGL images held now: one per sampled plane of each source, one per destination. */
	size_t images() const;
	/* Drops the cached images of a buffer that went away, with the context current. */
	void release(const BufferIdentity &identity);

	struct State;

private:
	explicit GlConverter(std::unique_ptr<State> state);
	std::unique_ptr<State> state_;
};

} /* namespace dmabridge */
