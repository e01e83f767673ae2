/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading a buffer's bytes with the CPU: a dma-buf inside the sync scope (CpuAccess),
 * anything else through GStreamer's map. For the copies that can't be avoided.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include <gst/gst.h>

#include <dmabridge/dmabuf.h>

namespace dmabridge::gst {

class BufferRead
{
public:
	/* syncCounter, when given, counts the sync ioctls (an element's statistics). */
	BufferRead(GstBuffer *buffer, uint64_t *syncCounter = nullptr);
	~BufferRead();
	BufferRead(const BufferRead &) = delete;
	BufferRead &operator=(const BufferRead &) = delete;

	/*
	 * The bytes of the buffer's memory (one dma-buf: the whole dma-buf, which the
	 * memory's offset and the video meta index into), empty when they can't be read.
	 */
	std::span<const uint8_t> bytes() const { return bytes_; }
	/* Whether bytes() is the one dma-buf (offsets as in the video meta) or a map. */
	bool dmaBuf() const { return access_.has_value(); }
	/* The part of bytes() the buffer's memory covers: its payload. */
	std::span<const uint8_t> payload() const;

private:
	GstBuffer *buffer_;
	std::optional<CpuAccess> access_;
	GstMapInfo map_ = {};
	std::span<const uint8_t> bytes_;
};

} /* namespace dmabridge::gst */
