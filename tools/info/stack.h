/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The software stack dmabridge-info runs on: what a bug report needs first. */
#pragma once

#include <string>
#include <vector>

#include <dmabridge/inventory.h>

namespace dmabridge::tools {

struct StackPart
{
	std::string name;    /* "kernel", "GStreamer", "Mesa", "libcamera" */
	std::string version; /* "6.12.117 x86_64", "1.26.2 (dma-buf caps: DMA_DRM ...)" */
};

/* The kernel, GStreamer (and the caps form it speaks), Mesa (from each EGL display's
 * GL_VERSION) and libcamera. */
std::vector<StackPart> softwareStack(const Inventory &inventory);

} /* namespace dmabridge::tools */
