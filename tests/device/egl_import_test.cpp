/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The GPU as a consumer on the board: Mesa's software driver imports dma-bufs as EGL
 * images but can only use those allocated on its own DRM device. The planner therefore
 * has vivid-000 capture into dumb buffers of that device; the GPU samples them (RGB
 * whole, YUV plane by plane) and renders into another one; the CPU checks the pixels
 * against its own conversion. vivid-001 needs contiguous memory the GPU can't use: the
 * plan says so and plans a copy.
 */
#include <algorithm>
#include <cmath>
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/allocator.h>
#include <dmabridge/egl.h>
#include <dmabridge/gl_converter.h>
#include <dmabridge/plan.h>
#include <dmabridge/v4l2.h>

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

class EglImport : public ::testing::TestWithParam<uint32_t>
{
};

TEST_P(EglImport, CaptureSampleRenderMatches)
{
	const uint32_t fourcc = GetParam();
	Result<DrmDevice> drm = DrmDevice::openByDriver("vgem");
	DMABRIDGE_REQUIRE_DEVICE(drm.ok(), drm.error().message());
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-000");
	DMABRIDGE_REQUIRE_DEVICE(camera.ok(), camera.error().message());
	Result<EglDevice> egl = EglDevice::open(*drm);
	ASSERT_TRUE(egl.ok()) << egl.error().describe();

	Result<DeviceConstraints> gpu = egl->probe();
	ASSERT_TRUE(gpu.ok()) << gpu.error().describe();
	EXPECT_EQ(gpu->driver, "llvmpipe") << egl->renderer();
	EXPECT_EQ(gpu->memoryOnlyFrom.value, drm->path()) << "the quirk table must know llvmpipe";
	ASSERT_TRUE(gpu->acceptsFormat(fourcc));

	Result<DeviceConstraints> producer = camera->probe();
	ASSERT_TRUE(producer.ok());
	Result<Plan> plan =
		Planner().plan({ *producer, { *gpu }, fourcc, kWidth, kHeight, 2, listHeaps() });
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_FALSE(plan->copy) << plan->explain();
	ASSERT_EQ(plan->allocator, AllocatorKind::DrmDumb) << plan->explain();
	EXPECT_EQ(plan->allocatingDevice, drm->path());

	Result<AllocatedBuffers> sources = allocateBuffers(*plan, "egl-test-source");
	ASSERT_TRUE(sources.ok()) << sources.error().describe();
	Result<Layout> layout = camera->setFormat(V4l2Direction::Capture, sources->layout);
	ASSERT_TRUE(layout.ok()) << layout.error().describe();
	ASSERT_EQ(*layout, sources->layout) << "vivid takes the dumb buffers' pitch";
	Status queued = test::queueAll(*camera, sources->buffers, *layout);
	ASSERT_TRUE(queued.ok()) << queued.error().describe();
	ASSERT_TRUE(camera->streamOn(V4l2Direction::Capture).ok());
	Result<V4l2Dequeued> frame =
		camera->dequeue(V4l2Direction::Capture, V4l2Memory::DmaBuf, 20000);
	ASSERT_TRUE(frame.ok()) << frame.error().describe();
	ASSERT_TRUE(camera->streamOff(V4l2Direction::Capture).ok());
	const DmaBuf &captured = sources->buffers[frame->index];
	Result<DrmDevice> checker = DrmDevice::open(drm->path()); /* an fd of its own */
	ASSERT_TRUE(checker.ok());
	EXPECT_EQ(checker->allocated(captured).value(), true)
		<< "the GPU's own device allocated it";

	Layout targetLayout;
	Result<DmaBuf> target = drm->allocateDumb(
		*computeLayout(DRM_FORMAT_XRGB8888, kWidth, kHeight), &targetLayout);
	ASSERT_TRUE(target.ok()) << target.error().describe();
	Result<GlConverter> converter = GlConverter::create(std::move(*egl));
	ASSERT_TRUE(converter.ok());
	uint64_t syncBefore = counters().syncCalls;
	Status converted = converter->convert({ &captured, 1 }, *layout, *target, targetLayout);
	ASSERT_TRUE(converted.ok()) << converted.error().describe();
	EXPECT_EQ(counters().syncCalls, syncBefore) << "the GPU path must not touch the CPU caches";
	Status again = converter->convert({ &captured, 1 }, *layout, *target, targetLayout);
	ASSERT_TRUE(again.ok());
	EXPECT_EQ(converter->imports(), fourcc == DRM_FORMAT_NV12 ? 3u : 2u)
		<< "each buffer is imported once, however often it is converted";

	CpuAccess in(captured, CpuAccessMode::Read), out(*target, CpuAccessMode::Read);
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

INSTANTIATE_TEST_SUITE_P(Formats, EglImport,
			 ::testing::Values(DRM_FORMAT_XRGB8888, DRM_FORMAT_NV12, DRM_FORMAT_YUYV),
			 [](const auto &param) { return fourccToString(param.param); });

TEST(EglPlan, ContiguousCaptureIntoTheGpuIsACopy)
{
	Result<DrmDevice> drm = DrmDevice::openByDriver("vgem");
	DMABRIDGE_REQUIRE_DEVICE(drm.ok(), drm.error().message());
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-001");
	DMABRIDGE_REQUIRE_DEVICE(camera.ok(), camera.error().message());
	Result<EglDevice> egl = EglDevice::open(*drm);
	ASSERT_TRUE(egl.ok()) << egl.error().describe();

	Result<Plan> plan = Planner().plan({ *camera->probe(),
					     { *egl->probe() },
					     DRM_FORMAT_NV12,
					     kWidth,
					     kHeight,
					     2,
					     listHeaps() });
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_TRUE(plan->copy);
	EXPECT_TRUE(plan->heap.contiguous) << "the capture side still gets CMA";
	EXPECT_NE(plan->copyReason.find("vivid-001 needs physically contiguous memory"),
		  std::string::npos)
		<< plan->copyReason;
	EXPECT_NE(
		plan->copyReason.find("llvmpipe can only use buffers allocated by " + drm->path()),
		std::string::npos)
		<< plan->copyReason;
}

} /* namespace */
