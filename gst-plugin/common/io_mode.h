/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Who allocates a V4L2 queue's buffers, as the V4L2 elements' io-mode properties say it:
 * dmabridgev4l2src's io-mode, the m2m elements' output-io-mode and capture-io-mode.
 */
#pragma once

#include <glib-object.h>

namespace dmabridge::gst {

/* The plan decides, or (to debug) one way is forced. */
enum class IoMode
{
	Auto,
	Import, /* buffers allocated elsewhere, imported (V4L2_MEMORY_DMABUF) */
	Export  /* the device's own buffers, exported (MMAP + EXPBUF) */
};

/* The properties' enum type, GstDmabridgeIoMode: auto, import, export. */
GType ioModeType();

} /* namespace dmabridge::gst */
