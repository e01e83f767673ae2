/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whether a DRM device imports dma-bufs of other devices at all. DRM_CAP_PRIME says
 * import for every GEM driver since Linux 6.6, also for drivers whose
 * gem_prime_import_sg_table refuses every foreign buffer, so the probe asks the kernel:
 * a PRIME import of one page from the system heap.
 */
#pragma once

#include <string>

#include <dmabridge/constraints.h>

namespace dmabridge::internal {

/*
 * node (the device's own node) when the device refused the page (it then uses only
 * buffers it allocated itself), with the errno in the source; empty when it imported it,
 * when there was nothing to try (no system heap) or the failure was transient (ENOMEM,
 * EINTR, EAGAIN). One page is physically contiguous, so a device that needs contiguous
 * memory takes it: contiguity is not what this asks.
 */
Derived<std::string> foreignImportRefusal(int drmFd, const std::string &node);

} /* namespace dmabridge::internal */
