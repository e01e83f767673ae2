/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dma-bufs as GStreamer memory, and frame layouts as GStreamer describes them. */
#pragma once

#include <span>

#include <gst/allocators/allocators.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <dmabridge/dmabuf.h>
#include <dmabridge/layout.h>

#include "caps_dialect.h"

namespace dmabridge::gst {

/*
 * A GstMemory sharing buffer's dma-buf (through its own fd); it carries the DmaBuf. Its
 * size is used, the bytes a frame fills (a layout's bufferSize), its maxsize the whole
 * dma-buf: allocations are whole pages, and a 640x480 NV12 frame is not (nor a BGRx one
 * with 64 KiB pages), so what a frame's bytes go to (a file, a socket) gets no padding.
 */
GstMemory *wrapDmaBuf(const DmaBuf &buffer, uint64_t used);

/* The bytes a GstBuffer of the layout holds: its buffers' sizes, as the memories are. */
gsize frameBytes(const Layout &layout);

/* A memory for each of layout's buffers (one per dma-buf of it) appended to gstBuffer. */
void appendFrameMemories(GstBuffer *gstBuffer, std::span<const DmaBuf> buffers,
			 const Layout &layout);

/*
 * The DmaBuf behind a dma-buf GstMemory, made on first sight and kept on the memory, so
 * a pool's memories cost one fstat each, not one per frame. Null for other memory.
 */
const DmaBuf *dmaBufOf(GstMemory *memory);

/*
 * The first size bytes of a dma-buf memory, as a memory that carries the same DmaBuf: a
 * payload (a compressed frame) without a new fd for each frame.
 */
GstMemory *shareDmaBuf(GstMemory *memory, gsize size);

/* All the buffer's memories are dma-bufs: their DmaBufs in order, else empty. */
std::vector<DmaBuf> dmaBufsOf(GstBuffer *buffer);
/* The same into a vector kept from frame to frame, whose storage it reuses. */
void dmaBufsOf(GstBuffer *buffer, std::vector<DmaBuf> &into);

/*
 * The layout of a video buffer: GstVideoMeta's strides and offsets, else those of the
 * caps' video info (linear layouts only: another modifier needs the meta).
 */
Result<Layout> layoutOf(GstBuffer *buffer, const VideoCaps &video);

/*
 * The layout's strides and offsets as a GstVideoMeta on buffer, which holds one memory
 * per layout buffer: GStreamer counts plane offsets across the memories.
 */
void addVideoMeta(GstBuffer *buffer, const Layout &layout);

GstVideoFormat gstFormat(uint32_t fourcc);
uint32_t drmFormat(GstVideoFormat format);

} /* namespace dmabridge::gst */
