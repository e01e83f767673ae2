/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "gpu_staging.h"

#include <dmabridge/frame_copy.h>
#include <dmabridge/gpu_probe.h>
#include <dmabridge/heap.h>
#include <dmabridge/udmabuf.h>

#include "../common/frame_access.h"

namespace dmabridge::gst {

std::string Staging::reason(const GpuBackend &gpu, const DrmDevice *ownership,
			    const std::vector<DmaBuf> &input)
{
	if (input.empty())
		return "upstream sent system memory";
	const Derived<MemoryKinds> &usable = gpu.sampler.usableMemory;
	if (usable.value.isAll())
		return {};
	auto known = kinds_.find(input[0].identity());
	if (known == kinds_.end())
		known = kinds_.emplace(input[0].identity(), memoryKindOf(input[0], ownership))
				.first;
	const std::optional<MemoryKind> &kind = known->second;
	if (kind && usable.value.has(*kind))
		return {};
	return gpu.sampler.name + " can use " + usable.value.describe() + " (" + usable.source +
	       "); the input is " +
	       (kind ? std::string(memoryKindName(*kind)) : std::string("of another kind")) +
	       ", exported by '" + input[0].exporter() + "'";
}

Status Staging::allocate(const GpuBackend &gpu, const Layout &like, ElementStats &stats)
{
	MemoryKinds usable = gpu.sampler.usableMemory.value;
	Result<Layout> planned =
		computeLayout(like.fourcc, like.width, like.height, gpu.sampler.alignment.value);
	if (!planned)
		return planned.error();
	std::optional<DmaHeap> heap;
	for (MemoryKind kind : { MemoryKind::SystemHeap, MemoryKind::CmaHeap })
		if (!heap && usable.has(kind))
			if (Result<HeapInfo> info = findHeap(kind == MemoryKind::CmaHeap))
				if (Result<DmaHeap> opened = DmaHeap::open(*info))
					heap = std::move(*opened);
	bool dumb = gpu.drm && usable.has(MemoryKind::OwnDumb);
	if (!dumb && !heap && !usable.has(MemoryKind::Udmabuf))
		return Error(ENOMEM, gpu.sampler.name + " can use " + usable.describe() +
					     ", and none of that can be allocated here to stage "
					     "its input");
	layout_ = *planned;
	for (unsigned i = 0; i < 2; i++) {
		Result<DmaBuf> buffer =
			dumb   ? gpu.drm->allocateDumb(like, &layout_)
			: heap ? heap->allocate(layout_.bufferSize(0), "gpu-staging")
			       : allocateUdmabuf(layout_.bufferSize(0), "gpu-staging");
		if (!buffer)
			return buffer.error();
		buffers_.push_back(std::move(*buffer));
		stats.allocations++;
	}
	return {};
}

Result<DmaBuf> Staging::stage(const GpuBackend &gpu, GstBuffer *input, const VideoCaps &in,
			      ElementStats &stats)
{
	FrameAccess read(input, in, CpuAccessMode::Read, stats);
	if (!read.isValid())
		return read.error();
	if (buffers_.empty())
		if (Status allocated = allocate(gpu, read.layout(), stats); !allocated)
			return allocated.error();
	const DmaBuf &target = buffers_[next_++ % buffers_.size()];
	stats.cpuAccesses++;
	CpuAccess write(target, CpuAccessMode::Write, &stats.syncCalls);
	if (!write.isValid())
		return write.error();
	Result<uint64_t> bytes =
		copyCounted(read.read(), read.layout(), write.write(), layout_, stats);
	if (!bytes)
		return bytes.error();
	return target;
}

void Staging::clear(GpuConverter *converter)
{
	for (const DmaBuf &buffer : buffers_)
		if (converter)
			converter->release(buffer.identity());
	buffers_.clear();
	next_ = 0;
}

} /* namespace dmabridge::gst */
