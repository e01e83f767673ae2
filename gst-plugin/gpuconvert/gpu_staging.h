/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Input a GPU can't use as it is (memory its driver was found unable to use, or system
 * memory) copied once into memory it can: its own DRM device's dumb buffers, else a heap
 * or udmabuf it was probed to use. The copy is counted, with its reason.
 */
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <gst/gst.h>

#include <dmabridge/dmabuf.h>
#include <dmabridge/layout.h>

#include "../common/caps_dialect.h"
#include "../common/stats.h"
#include "gpu_convert.h"

namespace dmabridge::gst {

class Staging
{
public:
	/*
	 * Why the GPU can't sample input as it is; empty when it can. Which kind of memory a
	 * buffer is, is found once per buffer (ownership: a DRM fd of the element's own on
	 * the GPU's device, for DrmDevice::allocated).
	 */
	std::string reason(const GpuBackend &gpu, const DrmDevice *ownership,
			   const std::vector<DmaBuf> &input);
	/* Copies input into the next staging buffer; both sides are counted CPU accesses. */
	Result<DmaBuf> stage(const GpuBackend &gpu, GstBuffer *input, const VideoCaps &in,
			     ElementStats &stats);
	/* The layout of the staging buffers (the last stage()'s). */
	const Layout &layout() const { return layout_; }
	/* Drops the staging buffers (after a renegotiation), and the GPU's imports of them. */
	void clear(GpuConverter *converter);
	/* Forgets what it learned of buffers (at stop). */
	void forget() { kinds_.clear(); }

private:
	Status allocate(const GpuBackend &gpu, const Layout &like, ElementStats &stats);

	std::unordered_map<BufferIdentity, std::optional<MemoryKind>> kinds_;
	std::vector<DmaBuf> buffers_;
	Layout layout_;
	unsigned next_ = 0;
};

} /* namespace dmabridge::gst */
