/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "buffer_read.h"

#include "dmabuf_memory.h"

namespace dmabridge::gst {

BufferRead::BufferRead(GstBuffer *buffer, SyncCounter *syncCounter, Part part)
	: buffer_(buffer), part_(part)
{
	std::vector<DmaBuf> dmabufs = dmaBufsOf(buffer);
	if (dmabufs.size() == 1 && part == Part::Payload) {
		GstMemory *memory = gst_buffer_peek_memory(buffer, 0);
		access_.emplace(dmabufs[0], CpuAccessMode::Read,
				ByteRange{ uint64_t(memory->offset), uint64_t(memory->size) },
				syncCounter);
		if (access_->isValid())
			bytes_ = access_->read();
	} else if (dmabufs.size() == 1) {
		access_.emplace(dmabufs[0], CpuAccessMode::Read, syncCounter);
		if (access_->isValid())
			bytes_ = access_->read();
	} else if (gst_buffer_map(buffer, &map_, GST_MAP_READ)) {
		bytes_ = { map_.data, map_.size };
	}
}

BufferRead::~BufferRead()
{
	if (map_.data)
		gst_buffer_unmap(buffer_, &map_);
}

std::span<const uint8_t> BufferRead::payload() const
{
	if (!access_ || part_ == Part::Payload)
		return bytes_;
	GstMemory *memory = gst_buffer_peek_memory(buffer_, 0);
	if (memory->offset + memory->size > bytes_.size())
		return {};
	return bytes_.subspan(memory->offset, memory->size);
}

} /* namespace dmabridge::gst */
