/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Whether GStreamer's GL elements read our dma-bufs right, tried in their own GL context:
 * a driver can sample a buffer it imported (what the GPU probe checks) and still hand
 * back something else when GStreamer GL downloads the texture (gldownload, or an element
 * after it mapping GL memory), as Mesa's software driver does on GBM.
 */
#pragma once

#include <gst/gl/gl.h>

#include <dmabridge/dmabuf.h>
#include <dmabridge/error.h>
#include <dmabridge/layout.h>

namespace dmabridge::gst {

/*
 * Draws a pattern into buffer (layout: one buffer, its planes), imports it into context as
 * glupload imports a dma-buf (an EGL image a plane, wrapped in GL memory) and maps that
 * for reading, as an element after gldownload maps GL memory; every byte of every plane's
 * pixels must come back. An error says what was wrong: the import, or how many bytes.
 */
Status gstGlReadsBack(GstGLContext *context, const DmaBuf &buffer, const Layout &layout);

} /* namespace dmabridge::gst */
