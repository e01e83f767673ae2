/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whether a device needs physically contiguous memory, as the probes infer it from what
 * the kernel shows. In one place so that tests build constraints of exactly the shapes
 * the probes produce.
 */
#pragma once

#include <cstdint>

#include <dmabridge/constraints.h>

namespace dmabridge::internal {

/* A V4L2 queue: one that can't take user pointers (REQBUFS capabilities) is vb2-dma-contig. */
Derived<bool> v4l2Contiguity(uint32_t reqbufsCapabilities);

/* A DRM device: DRM doesn't say; without an IOMMU the safe answer is contiguous. */
Derived<bool> drmContiguity(const Derived<bool> &iommu);

} /* namespace dmabridge::internal */
