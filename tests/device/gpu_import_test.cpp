/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The GPU as a consumer on the board, through GLES (EGL images) and Vulkan (dma-buf
 * memory bound to images of an explicit layout); what memory it can use is probed. Mesa 22.3's
 * (Debian 12) uses only buffers of its own DRM device, so the planner has vivid-000 capture into
 * dumb buffers of that device; Mesa 25's (Debian 13) maps any, so vivid-000 captures into the
 * system heap. The GPU samples the frame (RGB whole, YUV plane by plane) and renders into another
 * buffer; the CPU checks the pixels against its own conversion. vivid-001 needs contiguous memory:
 * Mesa 22.3 can't use it (the plan copies), Mesa 25 can (the CMA heap). Debian 12's lavapipe has no
 * VK_EXT_external_memory_dma_buf: opening it says so.
 */
#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>
#include <memory>
#include <poll.h>
#include <tuple>

#include <drm_fourcc.h>

#include <dmabridge/allocator.h>
#include <dmabridge/egl.h>
#include <dmabridge/gl_converter.h>
#include <dmabridge/gpu_probe.h>
#include <dmabridge/plan.h>
#include <dmabridge/v4l2.h>
#include <dmabridge/vk_converter.h>

#include "board.h"
#include "capture.h"

using namespace dmabridge;

namespace {

constexpr uint32_t kWidth = 640;
constexpr uint32_t kHeight = 480;

struct Rgb
{
	int r, g, b;
};

/* BT.601 limited range, the converter's default, computed independently of the shader. */
Rgb yuvToRgb(int y, int u, int v)
{
	double yy = (y - 16) * 255.0 / 219.0, cb = (u - 128) * 255.0 / 224.0,
	       cr = (v - 128) * 255.0 / 224.0;
	auto clamp = [](double x) { return int(std::lround(std::clamp(x, 0.0, 255.0))); };
	return { clamp(yy + 1.402 * cr), clamp(yy - 0.344136 * cb - 0.714136 * cr),
		 clamp(yy + 1.772 * cb) };
}

/* The expected RGB of pixel (x, y) of a captured frame. */
Rgb expected(const uint8_t *data, const Layout &layout, uint32_t x, uint32_t y)
{
	const PlaneLayout &p0 = layout.planes[0];
	switch (layout.fourcc) {
	case DRM_FORMAT_XRGB8888: {
		const uint8_t *px = data + p0.offset + y * p0.stride + 4 * x;
		return { px[2], px[1], px[0] };
	}
	case DRM_FORMAT_NV12: {
		const PlaneLayout &p1 = layout.planes[1];
		int luma = data[p0.offset + y * p0.stride + x];
		const uint8_t *c = data + p1.offset + (y / 2) * p1.stride + (x / 2) * 2;
		return yuvToRgb(luma, c[0], c[1]);
	}
	case DRM_FORMAT_YUYV: {
		const uint8_t *pair = data + p0.offset + y * p0.stride + (x / 2) * 4;
		return yuvToRgb(pair[(x % 2) * 2], pair[1], pair[3]);
	}
	}
	return {};
}

/* The GPU of an API on the board: its converter and what it samples. */
struct Gpu
{
	std::unique_ptr<GpuConverter> converter;
	DeviceConstraints constraints;
	std::string drmNode; /* the GPU's own DRM device, where it has one */
};

Result<Gpu> openGpu(GpuApi api, const DrmDevice &drm)
{
	Gpu gpu;
	if (api == GpuApi::Vulkan) {
		Result<VkConverter> vulkan = VkConverter::create();
		Result<DeviceConstraints> probed =
			vulkan ? vulkan->probe() : Result<DeviceConstraints>(vulkan.error());
		if (!probed)
			return probed.error();
		gpu.constraints = std::move(*probed);
		gpu.converter = std::make_unique<VkConverter>(std::move(*vulkan));
		return gpu;
	}
	/* What dmabridgeglconvert opens: GBM over vgem on Debian 12, the software device on 13. */
	Result<EglDevice> egl = EglDevice::openAny();
	Result<DeviceConstraints> probed =
		egl ? egl->probe() : Result<DeviceConstraints>(egl.error());
	if (!probed)
		return probed.error();
	EXPECT_EQ(probed->driver, "llvmpipe") << egl->renderer();
	EXPECT_EQ(egl->drmNode(), test::mesaImportsAnyDmaBuf() ? "" : drm.path()) << egl->label();
	gpu.drmNode = egl->drmNode();
	gpu.constraints = std::move(*probed);
	gpu.converter = std::make_unique<GlConverter>(*GlConverter::create(std::move(*egl)));
	return gpu;
}

class GpuImport : public ::testing::TestWithParam<std::tuple<GpuApi, uint32_t>>
{
};

TEST_P(GpuImport, CaptureSampleRenderMatches)
{
	const auto [api, fourcc] = GetParam();
	Result<DrmDevice> drm = DrmDevice::openByDriver("vgem");
	DMABRIDGE_REQUIRE_DEVICE(drm.ok(), drm.error().message());
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-000");
	DMABRIDGE_REQUIRE_DEVICE(camera.ok(), camera.error().message());
	Result<Gpu> gpu = openGpu(api, *drm);
	if (api == GpuApi::Vulkan && !test::mesaImportsAnyDmaBuf()) {
		/* Mesa 22.3's lavapipe: the element would fail at start with this. */
		test::expectVulkanImportMissing(gpu.ok(), gpu.error().message());
		return;
	}
	ASSERT_TRUE(gpu.ok()) << gpu.error().describe();
	const DeviceConstraints &constraints = gpu->constraints;
	EXPECT_EQ(constraints.usableMemory.source.rfind("probed (", 0), 0u)
		<< constraints.usableMemory.source;
	ASSERT_TRUE(constraints.acceptsFormat(fourcc));

	Result<DeviceConstraints> producer = camera->probe();
	ASSERT_TRUE(producer.ok());
	Result<Plan> plan = Planner().plan(
		{ *producer, { constraints }, fourcc, kWidth, kHeight, 2, listHeaps() });
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_FALSE(plan->copy) << plan->explain();
	bool ownMemoryOnly = !test::mesaImportsAnyDmaBuf();
	if (ownMemoryOnly) {
		EXPECT_EQ(constraints.memoryOnlyFrom.value, drm->path())
			<< constraints.usableMemory.source;
		ASSERT_EQ(plan->allocator, AllocatorKind::DrmDumb) << plan->explain();
		EXPECT_EQ(plan->allocatingDevice, drm->path());
	} else {
		EXPECT_TRUE(constraints.memoryOnlyFrom.value.empty())
			<< constraints.memoryOnlyFrom.source;
		ASSERT_EQ(plan->allocator, AllocatorKind::Heap) << plan->explain();
		EXPECT_FALSE(plan->heap.contiguous) << plan->explain();
	}

	Result<AllocatedBuffers> sources = allocateBuffers(*plan, "gpu-test-source");
	ASSERT_TRUE(sources.ok()) << sources.error().describe();
	Result<Layout> layout = camera->setFormat(V4l2Direction::Capture, sources->layout);
	ASSERT_TRUE(layout.ok()) << layout.error().describe();
	ASSERT_EQ(*layout, sources->layout) << "vivid takes the planned pitch";
	Result<unsigned> index = test::captureOne(*camera, sources->buffers, *layout);
	ASSERT_TRUE(index.ok()) << index.error().describe();
	const DmaBuf &captured = sources->buffers[*index];
	Result<DrmDevice> checker = DrmDevice::open(drm->path()); /* an fd of its own */
	ASSERT_TRUE(checker.ok());
	EXPECT_EQ(checker->allocated(captured).value(), ownMemoryOnly)
		<< "the GPU's own device allocated it only when it can use nothing else";

	/* The target: memory the GPU renders into, as it was probed to use. */
	Plan targetPlan = *plan;
	targetPlan.layout = *computeLayout(DRM_FORMAT_XRGB8888, kWidth, kHeight);
	targetPlan.bufferCount = 1;
	targetPlan.bufferSize = targetPlan.layout.bufferSize(0);
	Result<AllocatedBuffers> target = allocateBuffers(targetPlan, "gpu-test-target");
	ASSERT_TRUE(target.ok()) << target.error().describe();
	const Layout &targetLayout = target->layout;
	uint64_t syncBefore = counters().syncCalls;
	Status converted = gpu->converter->convert({ &captured, 1 }, *layout, target->buffers[0],
						   targetLayout);
	ASSERT_TRUE(converted.ok()) << converted.error().describe();
	EXPECT_EQ(counters().syncCalls, syncBefore) << "the GPU path must not touch the CPU caches";
	/* Again, handing out a sync_file: the pixels are read once it has signalled. */
	UniqueFd done;
	Status again = gpu->converter->convert({ &captured, 1 }, *layout, target->buffers[0],
					       targetLayout, YuvEncoding::Bt601, &done);
	ASSERT_TRUE(again.ok()) << again.error().describe();
	std::cout << "sync_files from " << gpu->converter->fenceSource() << "\n";
	if (done) {
		struct pollfd pfd = { done.get(), POLLIN, 0 };
		while (::poll(&pfd, 1, -1) < 0 && errno == EINTR)
			;
	}
	EXPECT_EQ(gpu->converter->imports(), fourcc == DRM_FORMAT_NV12 ? 3u : 2u)
		<< "each buffer is imported once, however often it is converted";

	CpuAccess in(captured, CpuAccessMode::Read), out(target->buffers[0], CpuAccessMode::Read);
	ASSERT_TRUE(in.isValid() && out.isValid());
	size_t wrong = 0, colours = 0;
	Rgb previous{ -1, -1, -1 };
	for (uint32_t y = 0; y < kHeight; y += 7) {
		for (uint32_t x = 0; x < kWidth; x++) {
			Rgb want = expected(in.read().data(), *layout, x, y);
			const uint8_t *got =
				out.read().data() + y * targetLayout.planes[0].stride + 4 * x;
			wrong += std::abs(got[2] - want.r) > 3 || std::abs(got[1] - want.g) > 3 ||
				 std::abs(got[0] - want.b) > 3;
			colours += want.r != previous.r || want.g != previous.g;
			previous = want;
		}
	}
	EXPECT_EQ(wrong, 0u) << "GPU output differs from the CPU's conversion";
	EXPECT_GT(colours, 100u) << "the frame should hold vivid's pattern, not one colour";
}

INSTANTIATE_TEST_SUITE_P(Formats, GpuImport,
			 ::testing::Combine(::testing::Values(GpuApi::Gles, GpuApi::Vulkan),
					    ::testing::Values(DRM_FORMAT_XRGB8888, DRM_FORMAT_NV12,
							      DRM_FORMAT_YUYV)),
			 [](const auto &param) {
				 return std::string(std::get<0>(param.param) == GpuApi::Vulkan
							    ? "Vulkan_"
							    : "Gles_") +
					fourccToString(std::get<1>(param.param));
			 });

/* Mesa 22.3: a copy, with both reasons; Mesa 25: zero-copy through the CMA heap. */
TEST(EglPlan, ContiguousCaptureIntoTheGpu)
{
	Result<DrmDevice> drm = DrmDevice::openByDriver("vgem");
	DMABRIDGE_REQUIRE_DEVICE(drm.ok(), drm.error().message());
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-001");
	DMABRIDGE_REQUIRE_DEVICE(camera.ok(), camera.error().message());
	Result<EglDevice> egl = EglDevice::openAny();
	ASSERT_TRUE(egl.ok()) << egl.error().describe();

	Result<Plan> plan = Planner().plan({ *camera->probe(),
					     { *egl->probe() },
					     DRM_FORMAT_NV12,
					     kWidth,
					     kHeight,
					     2,
					     listHeaps() });
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_TRUE(plan->heap.contiguous) << "the capture side gets CMA";
	if (test::mesaImportsAnyDmaBuf()) {
		EXPECT_FALSE(plan->copy) << plan->explain();
		EXPECT_NE(plan->explain().find("llvmpipe can use system heap, CMA heap"),
			  std::string::npos)
			<< plan->explain();
		return;
	}
	EXPECT_TRUE(plan->copy);
	EXPECT_NE(plan->copyReason.find("vivid-001 needs physically contiguous memory"),
		  std::string::npos)
		<< plan->copyReason;
	EXPECT_NE(
		plan->copyReason.find("llvmpipe can only use buffers allocated by " + drm->path()),
		std::string::npos)
		<< plan->copyReason;
}

} /* namespace */
