/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A device handed a layout it can't import, a tiled one where the board's devices take
 * only linear lines: each importer refuses it with an error that names the device, the
 * format and the modifier, before the kernel or the GPU driver sees it or as it refuses.
 * Intel's X-tiling (I915_FORMAT_MOD_X_TILED) is a real modifier none of them lists.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/drm.h>
#include <dmabridge/egl.h>
#include <dmabridge/kms.h>
#include <dmabridge/v4l2.h>

#include "board.h"
#include "capture.h"

using namespace dmabridge;

namespace {

constexpr uint64_t kXTiled = I915_FORMAT_MOD_X_TILED;

/* A 640x480 XRGB8888 frame in a buffer of the right size, described as X-tiled. */
Layout xTiledLayout()
{
	Layout layout = *computeLayout(DRM_FORMAT_XRGB8888, 640, 480);
	layout.modifier = kXTiled;
	return layout;
}

void expectNames(const Error &error, const std::string &device)
{
	const std::string message = error.describe();
	for (const std::string &part :
	     { device, std::string("XR"), std::string("0x0100000000000001") })
		EXPECT_NE(message.find(part), std::string::npos)
			<< "no '" << part << "' in: " << message;
}

TEST(ModifierRefusal, KmsNamesTheDisplayTheFormatAndTheModifier)
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), "vkms");
	Layout layout = xTiledLayout();
	Result<DmaBuf> buffer = test::heapBuffer(false, layout.bufferSize(0), "x-tiled");
	ASSERT_TRUE(buffer.ok()) << buffer.error().describe();
	Result<KmsDisplay> display = KmsDisplay::open(*vkms);
	ASSERT_TRUE(display.ok()) << display.error().describe();
	/* vkms lists no modifiers, so its kernel lets such a framebuffer be made; the display
	 * refuses it before the commit, from its planes' IN_FORMATS. */
	FramebufferCache cache(*vkms);
	Result<uint32_t> fb = cache.framebuffer({ &*buffer, 1 }, layout);
	Status shown = fb ? display->show(*fb, layout) : Status(fb.error());
	ASSERT_FALSE(shown.ok()) << "vkms showed an X-tiled frame";
	expectNames(shown.error(), "vkms");
}

TEST(ModifierRefusal, V4l2NamesTheCameraTheFormatAndTheModifier)
{
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-000");
	DMABRIDGE_REQUIRE_DEVICE(camera.ok(), "vivid-000");
	Result<Layout> set = camera->setFormat(V4l2Direction::Capture, xTiledLayout());
	ASSERT_FALSE(set.ok()) << "vivid-000 took an X-tiled format";
	expectNames(set.error(), "vivid-000");
}

TEST(ModifierRefusal, EglNamesTheGpuTheFormatAndTheModifier)
{
	Result<DrmDevice> vgem = DrmDevice::openByDriver("vgem");
	DMABRIDGE_REQUIRE_DEVICE(vgem.ok(), "vgem");
	Result<EglDevice> egl = EglDevice::open(*vgem);
	ASSERT_TRUE(egl.ok()) << egl.error().describe();
	Layout layout = xTiledLayout();
	Result<DmaBuf> buffer = vgem->allocateDumb(*computeLayout(DRM_FORMAT_XRGB8888, 640, 480));
	ASSERT_TRUE(buffer.ok()) << buffer.error().describe();
	Result<EglImage> image = egl->importFrame({ &*buffer, 1 }, layout);
	ASSERT_FALSE(image.ok()) << egl->renderer() << " took an X-tiled image";
	expectNames(image.error(), vgem->path());
	EXPECT_NE(image.error().message().find("eglQueryDmaBufModifiersEXT lists"),
		  std::string::npos)
		<< image.error().message();
}

} /* namespace */
