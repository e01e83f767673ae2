/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "capture.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <dmabridge/frame_copy.h>

#include "../../lib/src/device/kernel_text.h"

namespace dmabridge::test {

Result<DmaBuf> heapBuffer(bool contiguous, size_t size, const char *name)
{
	Result<HeapInfo> info = findHeap(contiguous);
	if (!info)
		return info.error();
	Result<DmaHeap> heap = DmaHeap::open(*info);
	if (!heap)
		return heap.error();
	return heap->allocate(size, name);
}

std::vector<DmaBuf> allocateFromHeap(const Plan &plan)
{
	Result<AllocatedBuffers> allocated = allocateBuffers(plan, "dmabridge-test");
	if (!allocated)
		return {};
	for (const DmaBuf &buffer : allocated->buffers) {
		CpuAccess access(buffer, CpuAccessMode::Write);
		if (!access.isValid())
			return {};
		std::fill(access.write().begin(), access.write().end(), kSentinel);
	}
	return std::move(allocated->buffers);
}

Status queueAll(V4l2Device &device, const std::vector<DmaBuf> &buffers, const Layout &layout)
{
	Result<unsigned> count = device.requestBuffers(V4l2Direction::Capture, V4l2Memory::DmaBuf,
						       unsigned(buffers.size()));
	if (!count)
		return count.error();
	for (unsigned i = 0; i < buffers.size(); i++) {
		Status status =
			device.queueDmaBuf(V4l2Direction::Capture, i, { &buffers[i], 1 }, layout);
		if (!status)
			return status;
	}
	return {};
}

Result<unsigned> captureOne(V4l2Device &camera, const std::vector<DmaBuf> &buffers,
			    const Layout &layout)
{
	if (Status queued = queueAll(camera, buffers, layout); !queued)
		return queued.error();
	if (Status on = camera.streamOn(V4l2Direction::Capture); !on)
		return on.error();
	Result<V4l2Dequeued> frame =
		camera.dequeue(V4l2Direction::Capture, V4l2Memory::DmaBuf, 20000);
	Status off = camera.streamOff(V4l2Direction::Capture);
	if (!frame)
		return frame.error();
	if (!off)
		return off.error();
	return frame->index;
}

size_t untouchedBytes(const DmaBuf &buffer, size_t size)
{
	CpuAccess access(buffer, CpuAccessMode::Read);
	if (!access.isValid())
		return size;
	auto pixels = access.read().first(std::min(size, access.read().size()));
	return size_t(std::count(pixels.begin(), pixels.end(), kSentinel));
}

::testing::AssertionResult samePicture(const DmaBuf &a, const Layout &la, const DmaBuf &b,
				       const Layout &lb)
{
	constexpr uint64_t kMinColours = 5;
	CpuAccess ra(a, CpuAccessMode::Read), rb(b, CpuAccessMode::Read);
	if (!ra.isValid() || !rb.isValid())
		return ::testing::AssertionFailure() << "the frames can't be read";
	uint64_t differing = dmabridge::differingPixels(ra.read(), la, rb.read(), lb);
	if (differing)
		return ::testing::AssertionFailure() << differing << " pixels differ between "
						     << la.describe() << " and " << lb.describe();
	uint64_t colours = distinctColours(ra.read(), la);
	if (colours < kMinColours)
		return ::testing::AssertionFailure()
		       << "the frames match but are blank (" << colours << " colours)";
	return ::testing::AssertionSuccess();
}

size_t openFdCount()
{
	std::error_code ec;
	auto entries = std::filesystem::directory_iterator("/proc/self/fd", ec);
	return size_t(std::distance(begin(entries), end(entries)));
}

uint64_t rssBytes()
{
	return internal::meminfoBytes(internal::readTextFile("/proc/self/status"), "VmRSS")
		.value_or(0);
}

long liveDmaBufs()
{
	/* The last line: "Total 12 objects, 49152000 bytes". */
	std::string text = internal::readTextFile("/sys/kernel/debug/dma_buf/bufinfo");
	size_t total = text.rfind("Total ");
	if (total == std::string::npos)
		return -1;
	return std::strtol(text.c_str() + total + 6, nullptr, 10);
}

} /* namespace dmabridge::test */
