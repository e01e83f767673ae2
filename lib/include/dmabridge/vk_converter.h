/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <dmabridge/constraints.h>
#include <dmabridge/dmabuf.h>
#include <dmabridge/error.h>
#include <dmabridge/gpu_converter.h>
#include <dmabridge/layout.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * The Vulkan converter: dma-bufs are imported as memory (VK_EXT_external_memory_dma_buf)
 * bound to images of an explicit layout (VK_EXT_image_drm_format_modifier: the planes'
 * offsets and pitches as they are), sampled by a fragment shader compiled from GLSL at
 * build time, and the destination is rendered into. Each frame's sync_file is exported
 * from the semaphore its submission signals (VK_KHR_external_semaphore_fd) where the
 * driver can; elsewhere it waits for the fence and hands out the destination's own.
 * Everything it made is destroyed with it, after the device is idle.
 */
class VkConverter : public GpuConverter
{
	DMABRIDGE_DECLARE_PRIVATE(VkConverter)

public:
	/* The extensions it can't work without, in the order they are checked. */
	static std::span<const char *const> requiredExtensions();

	/*
	 * The physical device of that index (vkEnumeratePhysicalDevices' order), or the
	 * first that has every required extension. The error names the device and the
	 * extension it lacks.
	 */
	static Result<VkConverter> create(unsigned deviceIndex);
	static Result<VkConverter> create();

	unsigned deviceIndex() const;
	/* VkPhysicalDeviceProperties::deviceName ("llvmpipe (LLVM 19.1.7, 256 bits)"). */
	const std::string &deviceName() const;
	/* The driver and its version ("llvmpipe (...); Mesa 25.0.7"): the probe's key. */
	std::string driverKey() const;

	/*
	 * What it imports to sample: the source formats whose planes it can read, in the
	 * layouts (DRM modifiers) the driver lists for dma-buf images of them, and the memory
	 * it can use, probed (gpu_probe.h).
	 */
	Result<DeviceConstraints> probe() const;
	/* The RGB formats it renders into, with their modifiers, the same way. */
	std::vector<FormatModifiers> renderFormats() const;

	std::string describe() const override;
	Status convert(std::span<const DmaBuf> source, const Layout &sourceLayout,
		       const DmaBuf &destination, const Layout &destinationLayout,
		       YuvEncoding encoding = YuvEncoding::Bt601,
		       UniqueFd *done = nullptr) override;
	std::string fenceSource() const override;
	uint64_t imports() const override;
	size_t images() const override;
	void release(const BufferIdentity &identity) override;
};

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
