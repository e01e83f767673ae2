/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library's log on a real refusal: vivid-001 (vb2-dma-contig, no IOMMU) refuses a
 * system-heap buffer at QBUF with EFAULT, and the log says so under device.v4l2 with the
 * device and the reason, at the default level, once.
 */
#include <gtest/gtest.h>
#include <mutex>

#include <drm_fourcc.h>

#include <dmabridge/heap.h>
#include <dmabridge/log.h>
#include <dmabridge/plan.h>

#include "board.h"
#include "capture.h"

using namespace dmabridge;

namespace {

struct Logged
{
	LogCategory category;
	LogLevel level;
	std::string message;
};

TEST(LibraryLog, KernelRefusedImportIsLoggedWithTheDeviceAndTheReason)
{
	Result<V4l2Device> device = V4l2Device::openByName("vivid-001");
	DMABRIDGE_REQUIRE_DEVICE(device.ok(), "vivid-001");
	Result<DeviceConstraints> camera = device->probe();
	ASSERT_TRUE(camera.ok()) << camera.error().describe();
	Result<Plan> plan =
		Planner().plan({ *camera, {}, DRM_FORMAT_XRGB8888, 640, 480, 1, listHeaps() });
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	Result<Layout> layout = device->setFormat(V4l2Direction::Capture, plan->layout);
	ASSERT_TRUE(layout.ok()) << layout.error().describe();
	Result<DmaBuf> scattered = test::heapBuffer(false, layout->bufferSize(0), "log-test");
	ASSERT_TRUE(scattered.ok()) << scattered.error().describe();

	std::mutex lock;
	std::vector<Logged> logged;
	setLogSink([&](LogCategory category, LogLevel level, std::string_view message) {
		std::lock_guard<std::mutex> locker(lock);
		logged.push_back({ category, level, std::string(message) });
	});
	Status queued = test::queueAll(*device, { std::move(*scattered) }, *layout);
	setLogSink({});

	ASSERT_FALSE(queued.ok()) << "vivid-001 took scattered pages";
	ASSERT_EQ(queued.error().code(), EFAULT) << queued.error().describe();
	std::vector<Logged> refusals;
	for (const Logged &entry : logged)
		if (entry.category == LogCategory::DeviceV4l2)
			refusals.push_back(entry);
	ASSERT_EQ(refusals.size(), 1u) << "logged: " << logged.size() << " messages";
	const Logged &line = refusals.front();
	EXPECT_EQ(line.level, LogLevel::Warning);
	for (const std::string &part :
	     { std::string("import refused"), device->label(),
	       std::string("needs physically contiguous memory"), std::string("EFAULT") })
		EXPECT_NE(line.message.find(part), std::string::npos)
			<< "no '" << part << "' in: " << line.message;
}

} /* namespace */
