/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The arm64 board with an IOMMU (tools/vboard run --arch arm64 --iommu): QEMU virt's
 * SMMUv3 translates for virtio-gpu, a KMS display on PCI. What the probe reads of a
 * device behind a real IOMMU, what that display imports, and a camera's frame on it,
 * read back from QEMU's side of the device (its monitor's screendump).
 */
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>

#include <drm_fourcc.h>
#include <xf86drm.h>

#include <dmabridge/allocator.h>
#include <dmabridge/drm.h>
#include <dmabridge/frame_copy.h>
#include <dmabridge/kms.h>
#include <dmabridge/plan.h>
#include <dmabridge/v4l2.h>

#include "board.h"
#include "capture.h"
#include "qemu_display.h"

using namespace dmabridge;

namespace {

/* virtio-gpu's one mode (tools/vboard gives the device xres and yres). */
constexpr uint32_t kWidth = 1280;
constexpr uint32_t kHeight = 720;

#define REQUIRE_IOMMU_BOARD()                                                                      \
	do {                                                                                       \
		if (!test::boardHasIommu()) {                                                      \
			if (test::onVirtualBoard())                                                \
				FAIL() << "this board has no IOMMU: run it with tools/vboard run " \
					  "--arch arm64 --iommu";                                  \
			else                                                                       \
				GTEST_SKIP() << "runs in tools/vboard run --arch arm64 --iommu";   \
		}                                                                                  \
	} while (0)

/* The type of the IOMMU group sysfs shows for a DRM node's device ("DMA", "DMA-FQ"). */
std::string groupType(const std::string &node)
{
	std::string card = std::filesystem::path(node).filename().string(), type;
	std::ifstream("/sys/class/drm/" + card + "/device/iommu_group/type") >> type;
	return type;
}

TEST(Smmu, DisplayBehindItIsProbedAsTranslated)
{
	REQUIRE_IOMMU_BOARD();
	Result<DrmDevice> display = DrmDevice::openByDriver("virtio_gpu");
	ASSERT_TRUE(display.ok()) << display.error().describe();
	Result<DeviceConstraints> probed = display->probe();
	ASSERT_TRUE(probed.ok()) << probed.error().describe();
	std::string type = groupType(probed->node);
	EXPECT_TRUE(type == "DMA" || type == "DMA-FQ") << "group type '" << type << "'";
	EXPECT_TRUE(probed->iommu.value) << probed->iommu.source;
	EXPECT_NE(probed->iommu.source.find("(type " + type + ")"), std::string::npos)
		<< probed->iommu.source;
	EXPECT_FALSE(probed->needsContiguousMemory()) << probed->contiguous.source;

	/* The SMMU translates for PCI devices only: vivid-001 still needs contiguous pages. */
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-001");
	ASSERT_TRUE(camera.ok()) << camera.error().describe();
	Result<DeviceConstraints> contiguous = camera->probe();
	ASSERT_TRUE(contiguous.ok()) << contiguous.error().describe();
	EXPECT_FALSE(contiguous->iommu.value) << contiguous->iommu.source;
	EXPECT_TRUE(contiguous->needsContiguousMemory());
}

/* The display and its probe, for the camera tests. */
struct IommuDisplay
{
	DrmDevice device;
	DeviceConstraints constraints;
};

Result<IommuDisplay> openDisplay()
{
	Result<DrmDevice> device = DrmDevice::openByDriver("virtio_gpu");
	if (!device)
		return device.error();
	Result<DeviceConstraints> probed = device->probe();
	if (!probed)
		return probed.error();
	return IommuDisplay{ std::move(*device), std::move(*probed) };
}

Result<Plan> planFor(V4l2Device &camera, const IommuDisplay &display)
{
	Result<DeviceConstraints> producer = camera.probe();
	if (!producer)
		return producer.error();
	return Planner().plan({ *producer,
				{ display.constraints },
				DRM_FORMAT_XRGB8888,
				kWidth,
				kHeight,
				3,
				listHeaps() });
}

/*
 * Linux 6.12's virtio-gpu refuses every dma-buf it did not allocate: its
 * gem_prime_import_sg_table returns ENODEV (drivers/gpu/drm/virtio/virtgpu_prime.c), while
 * DRM_CAP_PRIME says it imports. The probe finds that out by importing a page, and the
 * planner has the display allocate.
 */
TEST(Smmu, DisplayRefusingForeignBuffersIsProbedAsOwnMemoryOnly)
{
	REQUIRE_IOMMU_BOARD();
	Result<IommuDisplay> display = openDisplay();
	ASSERT_TRUE(display.ok()) << display.error().describe();
	const DeviceConstraints &probed = display->constraints;
	EXPECT_TRUE(probed.canImport) << "DRM_CAP_PRIME says import";
	EXPECT_EQ(probed.memoryOnlyFrom.value, probed.node) << probed.memoryOnlyFrom.source;
	EXPECT_NE(probed.memoryOnlyFrom.source.find("(ENODEV)"), std::string::npos)
		<< probed.memoryOnlyFrom.source;

	/* vkms, on the same kernel, imports the same kind of page. */
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	ASSERT_TRUE(vkms.ok()) << vkms.error().describe();
	Result<DeviceConstraints> vkmsProbed = vkms->probe();
	ASSERT_TRUE(vkmsProbed.ok()) << vkmsProbed.error().describe();
	EXPECT_EQ(vkmsProbed->memoryOnlyFrom.value, "") << vkmsProbed->memoryOnlyFrom.source;
}

/*
 * vivid-000 (vb2-vmalloc, takes any dma-buf) captures into virtio-gpu's own buffers, which
 * the display scans out through the SMMU: no copy, and QEMU shows the captured frame.
 */
TEST(Smmu, CameraFrameReachesTheDisplayBehindIt)
{
	REQUIRE_IOMMU_BOARD();
	Result<IommuDisplay> display = openDisplay();
	ASSERT_TRUE(display.ok()) << display.error().describe();
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-000");
	ASSERT_TRUE(camera.ok()) << camera.error().describe();
	Result<Plan> plan = planFor(*camera, *display);
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	ASSERT_FALSE(plan->copy) << plan->explain();
	EXPECT_EQ(plan->allocator, AllocatorKind::DrmDumb) << plan->explain();
	EXPECT_EQ(plan->allocatingDevice, display->constraints.node) << plan->explain();

	Result<AllocatedBuffers> allocated = allocateBuffers(*plan, "iommu-test");
	ASSERT_TRUE(allocated.ok()) << allocated.error().describe();
	Result<Layout> layout = camera->setFormat(V4l2Direction::Capture, allocated->layout);
	ASSERT_TRUE(layout.ok()) << layout.error().describe();
	Result<unsigned> index = test::captureOne(*camera, allocated->buffers, *layout);
	ASSERT_TRUE(index.ok()) << index.error().describe();
	const DmaBuf &captured = allocated->buffers[*index];
	Result<bool> own = display->device.allocated(captured);
	ASSERT_TRUE(own.ok()) << own.error().describe();
	EXPECT_TRUE(*own) << "the frame is in a buffer virtio-gpu allocated";

	Result<KmsDisplay> output = KmsDisplay::open(display->device);
	ASSERT_TRUE(output.ok()) << output.error().describe();
	FramebufferCache cache(display->device);
	Result<uint32_t> framebuffer = cache.framebuffer({ &captured, 1 }, *layout);
	ASSERT_TRUE(framebuffer.ok()) << framebuffer.error().describe();
	Status shown = output->show(*framebuffer, *layout);
	ASSERT_TRUE(shown.ok()) << shown.error().describe();

	Result<test::QemuPicture> picture = test::qemuScreendump();
	ASSERT_TRUE(picture.ok()) << picture.error().describe();
	ASSERT_EQ(picture->layout.width, kWidth);
	ASSERT_EQ(picture->layout.height, kHeight);
	CpuAccess access(captured, CpuAccessMode::Read);
	ASSERT_TRUE(access.isValid()) << access.error().describe();
	EXPECT_GT(distinctColours(access.read(), *layout), 4u) << "vivid's bars, not a blank";
	EXPECT_EQ(differingPixels(access.read(), *layout, picture->pixels, picture->layout), 0u)
		<< "QEMU shows other pixels than vivid captured";
	EXPECT_TRUE(output->disable().ok());
}

/* vivid-001 needs contiguous pages, virtio-gpu's own are not: one copy, and why. */
TEST(Smmu, ContiguousCameraIsCopiedForTheDisplayBehindIt)
{
	REQUIRE_IOMMU_BOARD();
	Result<IommuDisplay> display = openDisplay();
	ASSERT_TRUE(display.ok()) << display.error().describe();
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-001");
	ASSERT_TRUE(camera.ok()) << camera.error().describe();
	Result<Plan> plan = planFor(*camera, *display);
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_TRUE(plan->copy) << plan->explain();
	EXPECT_NE(plan->copyReason.find("can only use buffers allocated by " +
					display->constraints.node),
		  std::string::npos)
		<< plan->copyReason;
}

} /* namespace */
