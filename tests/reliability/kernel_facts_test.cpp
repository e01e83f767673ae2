/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the kernel guarantees and dmabridge relies on, checked on the virtual board's
 * drivers. These are facts about Linux, not cases of dmabridge's own behaviour: the
 * library hands buffers out as the allocators give them, so that every allocator it uses
 * clears memory is the kernel's doing, checked here so a kernel that didn't is noticed.
 */
#include <algorithm>
#include <functional>

#include <drm_fourcc.h>

#include <dmabridge/drm.h>
#include <dmabridge/heap.h>
#include <dmabridge/udmabuf.h>
#include <dmabridge/v4l2.h>

#include "../device/board.h"
#include "../device/capture.h"
#include "outcome.h"

using namespace dmabridge;

namespace {

/* Bytes of buffer that are not zero. */
size_t nonZeroBytes(const DmaBuf &buffer)
{
	CpuAccess read(buffer, CpuAccessMode::Read);
	if (!read.isValid())
		return SIZE_MAX;
	return size_t(std::count_if(read.read().begin(), read.read().end(),
				    [](uint8_t byte) { return byte != 0; }));
}

struct Allocator
{
	const char *name;
	std::function<Result<DmaBuf>()> allocate;
};

/* One MMAP buffer of a V4L2 queue, exported; the queue is freed when it goes. */
Result<DmaBuf> v4l2Export(const std::string &name)
{
	Result<V4l2Device> camera = V4l2Device::openByName(name);
	if (!camera)
		return camera.error();
	if (!camera->setFormat(V4l2Direction::Capture,
			       *computeLayout(DRM_FORMAT_XRGB8888, 1280, 720)))
		return Error(EINVAL, "S_FMT");
	if (Result<unsigned> count =
		    camera->requestBuffers(V4l2Direction::Capture, V4l2Memory::Mmap, 1);
	    !count)
		return count.error();
	Result<std::vector<DmaBuf>> exported = camera->exportBuffer(V4l2Direction::Capture, 0);
	if (!exported)
		return exported.error();
	return exported->front();
}

TEST(KernelFacts, NoAllocatorHandsOutAPreviousUsersPixels)
{
	DMABRIDGE_REQUIRE_DEVICE(findHeap(false).ok(), "the system heap");
	const Allocator allocators[] = {
		{ "system heap", [] { return test::heapBuffer(false, 4 << 20, "clear-test"); } },
		{ "CMA heap", [] { return test::heapBuffer(true, 4 << 20, "clear-test"); } },
		{ "udmabuf", [] { return allocateUdmabuf(4 << 20, "clear-test"); } },
		{ "vkms dumb buffer",
		  [] {
			  Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
			  if (!vkms)
				  return Result<DmaBuf>(vkms.error());
			  return vkms->allocateDumb(*computeLayout(DRM_FORMAT_XRGB8888, 1024, 768));
		  } },
		{ "vivid-000 MMAP export (vb2-vmalloc)", [] { return v4l2Export("vivid-000"); } },
		{ "vivid-001 MMAP export (vb2-dma-contig)",
		  [] { return v4l2Export("vivid-001"); } },
	};
	std::string outcome;
	for (const Allocator &allocator : allocators) {
		/* A previous user fills buffers and frees them; the next user reads. */
		for (int i = 0; i < 3; i++) {
			Result<DmaBuf> dirty = allocator.allocate();
			ASSERT_TRUE(dirty.ok())
				<< allocator.name << ": " << dirty.error().describe();
			CpuAccess write(*dirty, CpuAccessMode::Write);
			ASSERT_TRUE(write.isValid()) << allocator.name;
			std::fill(write.write().begin(), write.write().end(), test::kSentinel);
		}
		Result<DmaBuf> fresh = allocator.allocate();
		ASSERT_TRUE(fresh.ok()) << allocator.name;
		size_t dirtyBytes = nonZeroBytes(*fresh);
		EXPECT_EQ(dirtyBytes, 0u) << allocator.name << " handed out old contents";
		outcome +=
			std::string(outcome.empty() ? "" : "; ") + allocator.name + ": " +
			(dirtyBytes ? std::to_string(dirtyBytes) + " bytes not cleared" : "zeroed");
	}
	test::recordOutcome("allocate, fill and free three buffers, then allocate one from "
			    "each allocator the library uses",
			    outcome);
}

} /* namespace */
