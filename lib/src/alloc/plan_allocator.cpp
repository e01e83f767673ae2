/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where a plan's buffers are allocated: the one switch over AllocatorKind. */
#include <filesystem>

#include <dmabridge/allocator.h>
#include <dmabridge/drm.h>
#include <dmabridge/heap.h>

#include "../device/kernel_text.h"
#include "../internal/log.h"

namespace dmabridge {

namespace {

/* plan.bufferCount buffers from one heap, all or none. */
Result<std::vector<DmaBuf>> allocateFrom(const HeapInfo &info, const Plan &plan,
					 std::string_view name)
{
	Result<DmaHeap> heap = DmaHeap::open(info);
	if (!heap)
		return heap.error();
	std::vector<DmaBuf> buffers;
	for (unsigned i = 0; i < plan.bufferCount; i++) {
		Result<DmaBuf> buffer = heap->allocate(plan.bufferSize, name);
		if (!buffer)
			return Error(buffer.error().code(),
				     buffer.error().message() + " (buffer " +
					     std::to_string(i + 1) + " of " +
					     std::to_string(plan.bufferCount) + ", " +
					     std::to_string(plan.bufferCount * plan.bufferSize) +
					     " bytes in all)");
		buffers.push_back(std::move(*buffer));
	}
	return buffers;
}

/* The CMA heap ran out: the system heap when nothing needs CMA, else a full error. */
Result<AllocatedBuffers> afterCmaRanOut(const Plan &plan, std::string_view name, const Error &error,
					AllocatedBuffers result)
{
	if (plan.contiguous)
		return Error(error.code(), error.message() + ": " + plan.cmaReason +
						   "; boot with a larger cma=, or use fewer or "
						   "smaller buffers");
	uint64_t ram = internal::endOfSystemRam(internal::readTextFile("/proc/iomem"));
	if (plan.addressLimit && (!ram || ram > plan.addressLimit))
		return Error(
			error.code(),
			error.message() + ": " + plan.cmaReason + ", and " +
				(ram ? "RAM extends above that" : "where RAM ends is unknown") +
				", so the system heap won't do; boot with a larger cma=");
	std::string directory = std::filesystem::path(plan.heap.path).parent_path().string();
	Result<HeapInfo> system = findHeap(false, directory);
	if (!system)
		return Error(error.code(), error.message() + "; " + system.error().message());
	Result<std::vector<DmaBuf>> buffers = allocateFrom(*system, plan, name);
	if (!buffers)
		return Error(buffers.error().code(),
			     error.message() + "; then " + buffers.error().message());
	result.buffers = std::move(*buffers);
	result.note = "The contiguous heap '" + plan.heap.name + "' ran out (" + error.message() +
		      "). No device needs contiguous memory" +
		      (plan.addressLimit ? " and all of RAM lies below the address limit" : "") +
		      ", so the buffers come from the scatter-gather heap '" + system->name +
		      "' instead.";
	internal::log(LogCategory::Alloc, LogLevel::Warning, [&] { return result.note; });
	return result;
}

} /* namespace */

Result<AllocatedBuffers> allocateBuffers(const Plan &plan, std::string_view name)
{
	AllocatedBuffers result;
	result.layout = plan.layout;
	switch (plan.allocator) {
	case AllocatorKind::Heap: {
		Result<std::vector<DmaBuf>> buffers = allocateFrom(plan.heap, plan, name);
		if (buffers) {
			result.buffers = std::move(*buffers);
			result.contiguous = plan.heap.contiguous;
			return result;
		}
		if (plan.heap.contiguous && buffers.error().code() == ENOMEM)
			return afterCmaRanOut(plan, name, buffers.error(), std::move(result));
		return buffers.error();
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
