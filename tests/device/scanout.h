/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a display scans out now, read from the framebuffer on its plane: how a test proves
 * what another process's or another element's display showed (upstream kmssink), where
 * writeback needs the DRM master the displaying element holds.
 */
#pragma once

#include <string>

#include <dmabridge/dmabuf.h>
#include <dmabridge/layout.h>

namespace dmabridge::test {

struct Scanout
{
	DmaBuf buffer; /* the first plane's dma-buf (PRIME export of the framebuffer's handle) */
	Layout layout; /* format, modifier, size, pitches and offsets (GETFB2) */
};

/*
 * The framebuffer on the first plane of driver's DRM device that shows one. GETFB2 hands
 * out the buffer handles only to the DRM master or CAP_SYS_ADMIN: the tests run as root.
 */
Result<Scanout> currentScanout(const std::string &driver);

/* The distinct colours of an RGB frame read through the sync scope (a blank has one). */
uint64_t distinctColours(const DmaBuf &buffer, const Layout &layout);

} /* namespace dmabridge::test */
