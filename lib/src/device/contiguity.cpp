/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "contiguity.h"

#include <cstdio>

#include <linux/videodev2.h>

namespace dmabridge::internal {

Derived<bool> v4l2Contiguity(uint32_t capabilities)
{
	char hex[16];
	std::snprintf(hex, sizeof(hex), "0x%x", capabilities);
	if (capabilities & V4L2_BUF_CAP_SUPPORTS_USERPTR)
		return { false, "its queue takes user pointers (REQBUFS capabilities " +
					std::string(hex) + "), so it maps scattered pages" };
	return { true, "its queue can't take user pointers (REQBUFS capabilities " +
			       std::string(hex) +
			       " lack SUPPORTS_USERPTR), the mark of vb2-dma-contig" };
}

Derived<bool> drmContiguity(const Derived<bool> &iommu)
{
	if (iommu.value)
		return { false, "DRM does not say; behind an IOMMU any pages are fine" };
	return { true, "DRM does not say; a display without an IOMMU is assumed to scan out "
		       "contiguous memory (GEM DMA helpers)" };
}

} /* namespace dmabridge::internal */
