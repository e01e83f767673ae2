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
	/* What is mapped of a dma-buf: all of it, or only the memory's payload. */
	enum class Part
	{
		WholeBuffer,
		Payload
	};

	/*
	 * syncCounter, when given, counts the sync ioctls (an element's statistics). A
	 * reader of the payload alone maps that: a coded picture fills a small part of a
	 * buffer sized for the worst case.
	 */
	BufferRead(GstBuffer *buffer, SyncCounter *syncCounter = nullptr,
		   Part part = Part::WholeBuffer);
	~BufferRead();
	BufferRead(const BufferRead &) = delete;
	BufferRead &operator=(const BufferRead &) = delete;

	/*
	 * The bytes of the buffer's memory (one dma-buf: the whole dma-buf, which the
	 * memory's offset and the video meta index into; with Part::Payload the payload
	 * alone), empty when they can't be read.
	 */
	std::span<const uint8_t> bytes() const { return bytes_; }
	/* Whether bytes() is the one dma-buf (offsets as in the video meta) or a map. */
	bool dmaBuf() const { return access_.has_value(); }
	/* The part of bytes() the buffer's memory covers: its payload. */
	std::span<const uint8_t> payload() const;

private:
	GstBuffer *buffer_;
	Part part_;
	std::optional<CpuAccess> access_;
	GstMapInfo map_ = {};
	std::span<const uint8_t> bytes_;
};

} /* namespace dmabridge::gst */
