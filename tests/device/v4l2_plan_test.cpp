/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The planner on real V4L2 drivers: vivid-000 (vb2-vmalloc) is planned onto the system
 * heap and vivid-001 (vb2-dma-contig, no IOMMU) onto the CMA heap, on the first try; the
 * frames they capture into those buffers are real. And when a probe gets contiguity
 * wrong, the EFAULT the kernel answers teaches the planner, which re-plans once.
 */
#include <algorithm>
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/heap.h>
#include <dmabridge/plan.h>
#include <dmabridge/v4l2.h>

#include "board.h"
#include "capture.h"

using namespace dmabridge;

namespace {

constexpr unsigned kBuffers = 3;
using test::allocateFromHeap;
using test::queueAll;

void captureFrames(V4l2Device &device, const std::vector<DmaBuf> &buffers, const Layout &layout)
{
	ASSERT_TRUE(device.streamOn(V4l2Direction::Capture).ok());
	for (unsigned frame = 0; frame < 4; frame++) {
		Result<V4l2Dequeued> done =
			device.dequeue(V4l2Direction::Capture, V4l2Memory::DmaBuf, 20000);
		ASSERT_TRUE(done.ok()) << done.error().describe();
		EXPECT_FALSE(done->error);
		EXPECT_EQ(done->bytesUsed, layout.bufferSize(0));
		EXPECT_LT(test::untouchedBytes(buffers[done->index], layout.bufferSize(0)),
			  layout.bufferSize(0) / 4)
			<< device.label() << " wrote no frame";
		ASSERT_TRUE(device.queueDmaBuf(V4l2Direction::Capture, done->index,
					       { &buffers[done->index], 1 }, layout)
				    .ok());
	}
	EXPECT_TRUE(device.streamOff(V4l2Direction::Capture).ok());
}

class V4l2Plan : public ::testing::Test
{
protected:
	Result<V4l2Device> open(const std::string &name)
	{
		Result<V4l2Device> device = V4l2Device::openByName(name);
		return device;
	}
	PlanRequest request(const DeviceConstraints &producer)
	{
		return { producer, {}, DRM_FORMAT_XRGB8888, 1280, 720, kBuffers, listHeaps() };
	}
};

TEST_F(V4l2Plan, ProbeSeesVmallocAndDmaContig)
{
	Result<V4l2Device> vmalloc = open("vivid-000");
	DMABRIDGE_REQUIRE_DEVICE(vmalloc.ok(), vmalloc.error().message());
	Result<V4l2Device> contig = open("vivid-001");
	DMABRIDGE_REQUIRE_DEVICE(contig.ok(), contig.error().message());

	Result<DeviceConstraints> a = vmalloc->probe();
	Result<DeviceConstraints> b = contig->probe();
	ASSERT_TRUE(a.ok() && b.ok());
	EXPECT_EQ(a->driver, "vivid");
	EXPECT_TRUE(a->acceptsFormat(DRM_FORMAT_XRGB8888));
	EXPECT_TRUE(a->acceptsFormat(DRM_FORMAT_NV12));
	EXPECT_FALSE(a->needsContiguousMemory()) << a->contiguous.source;
	EXPECT_TRUE(b->needsContiguousMemory()) << b->contiguous.source;
	EXPECT_FALSE(b->iommu.value);
	EXPECT_NE(b->iommu.source.find("no iommu_group"), std::string::npos) << b->iommu.source;
	EXPECT_TRUE(a->canImport && a->canExport && b->canImport && b->canExport);
}

TEST_F(V4l2Plan, EachVividGetsItsHeapOnTheFirstTry)
{
	for (const auto &[name, heapKind] :
	     { std::pair{ "vivid-000", false }, std::pair{ "vivid-001", true } }) {
		SCOPED_TRACE(name);
		Result<V4l2Device> device = open(name);
		DMABRIDGE_REQUIRE_DEVICE(device.ok(), device.error().message());
		Result<DeviceConstraints> constraints = device->probe();
		ASSERT_TRUE(constraints.ok()) << constraints.error().describe();

		Result<Plan> plan = Planner().plan(request(*constraints));
		ASSERT_TRUE(plan.ok()) << plan.error().describe();
		EXPECT_EQ(plan->allocator, AllocatorKind::Heap);
		EXPECT_EQ(plan->heap.contiguous, heapKind) << plan->explain();
		EXPECT_FALSE(plan->copy);

		Result<Layout> layout = device->setFormat(V4l2Direction::Capture, plan->layout);
		ASSERT_TRUE(layout.ok()) << layout.error().describe();
		EXPECT_EQ(*layout, plan->layout) << "vivid kept the planned strides";

		std::vector<DmaBuf> buffers = allocateFromHeap(*plan);
		ASSERT_EQ(buffers.size(), kBuffers);
		Status queued = queueAll(*device, buffers, *layout);
		ASSERT_TRUE(queued.ok()) << "no import may fail: " << queued.error().describe();
		captureFrames(*device, buffers, *layout);
	}
}

TEST_F(V4l2Plan, EfaultTeachesThePlannerToUseCma)
{
	Result<V4l2Device> device = open("vivid-001");
	DMABRIDGE_REQUIRE_DEVICE(device.ok(), device.error().message());
	Result<DeviceConstraints> constraints = device->probe();
	ASSERT_TRUE(constraints.ok());
	/* As if the probe could not tell: a driver whose queue offers USERPTR anyway. */
	constraints->contiguous = { false, "a probe that got it wrong" };

	Planner planner;
	Result<Plan> plan = planner.plan(request(*constraints));
	ASSERT_TRUE(plan.ok());
	ASSERT_FALSE(plan->heap.contiguous);
	Result<Layout> layout = device->setFormat(V4l2Direction::Capture, plan->layout);
	ASSERT_TRUE(layout.ok());

	Status queued = queueAll(*device, allocateFromHeap(*plan), *layout);
	ASSERT_FALSE(queued.ok());
	EXPECT_EQ(queued.error().code(), EFAULT);
	EXPECT_NE(queued.error().message().find("vivid-001 (/dev/video"), std::string::npos)
		<< queued.error().message();
	EXPECT_NE(queued.error().message().find("needs physically contiguous memory"),
		  std::string::npos)
		<< queued.error().message();

	std::string learned = planner.learnFromImportFailure("vivid-001", true, false, EFAULT);
	EXPECT_FALSE(learned.empty());
	ASSERT_TRUE(device->requestBuffers(V4l2Direction::Capture, V4l2Memory::DmaBuf, 0).ok());

	Result<Plan> replanned = planner.plan(request(*constraints));
	ASSERT_TRUE(replanned.ok());
	EXPECT_TRUE(replanned->heap.contiguous) << replanned->explain();
	std::vector<DmaBuf> buffers = allocateFromHeap(*replanned);
	Status requeued = queueAll(*device, buffers, *layout);
	ASSERT_TRUE(requeued.ok()) << requeued.error().describe();
	captureFrames(*device, buffers, *layout);
}

TEST_F(V4l2Plan, UnknownNameListsWhatThereIs)
{
	Result<V4l2Device> device = open("vivid-999");
	ASSERT_FALSE(device.ok());
	EXPECT_EQ(device.error().code(), ENODEV);
	if (test::onVirtualBoard()) {
		EXPECT_NE(device.error().message().find("vivid-001 (/dev/video"), std::string::npos)
			<< device.error().message();
	}
}

} /* namespace */
