/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where a plan's buffers are allocated: the one switch over AllocatorKind. */
#include <dmabridge/allocator.h>
#include <dmabridge/drm.h>
#include <dmabridge/heap.h>

namespace dmabridge {

Result<AllocatedBuffers> allocateBuffers(const Plan &plan, std::string_view name)
{
	AllocatedBuffers result;
	result.layout = plan.layout;
	switch (plan.allocator) {
	case AllocatorKind::Heap: {
		Result<DmaHeap> heap = DmaHeap::open(plan.heap);
		if (!heap)
			return heap.error();
		for (unsigned i = 0; i < plan.bufferCount; i++) {
			Result<DmaBuf> buffer = heap->allocate(plan.bufferSize, name);
			if (!buffer)
				return Error(buffer.error().code(),
					     buffer.error().message() + " (buffer " +
						     std::to_string(i + 1) + " of " +
						     std::to_string(plan.bufferCount) + ")");
			result.buffers.push_back(std::move(*buffer));
		}
		return result;
	}
	case AllocatorKind::DrmDumb: {
		Result<DrmDevice> device = DrmDevice::open(plan.allocatingDevice);
		if (!device)
			return device.error();
		for (unsigned i = 0; i < plan.bufferCount; i++) {
			Result<DmaBuf> buffer = device->allocateDumb(plan.layout, &result.layout);
			if (!buffer)
				return buffer.error();
			(void)buffer->setName(name);
			result.buffers.push_back(std::move(*buffer));
		}
		return result;
	}
	case AllocatorKind::ProducerExport:
		break;
	}
	return Error(EINVAL, "the plan has " + plan.allocatingDevice +
				     " export its own buffers: the producer allocates them");
}

} /* namespace dmabridge */
