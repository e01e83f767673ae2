/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One dma-buf plane as a Vulkan image: the dma-buf imported as memory of its own
 * (VK_EXT_external_memory_dma_buf, a dedicated allocation), bound to an image whose
 * layout is the plane's offset and pitch (VK_EXT_image_drm_format_modifier, explicit),
 * and a view of it. Destroyed together.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vulkan/vulkan.h>

#include <dmabridge/dmabuf.h>
#include <dmabridge/error.h>

#include "vk_context.h"

namespace dmabridge::internal::vk {

/* Where the plane lies in its dma-buf, and how it is read. */
struct PlaneImport
{
	uint32_t fourcc; /* the plane as a single-plane format: XRGB8888, R8, GR88... */
	uint32_t width;  /* in texels of that format */
	uint32_t height;
	uint64_t offset;
	uint32_t stride;
	uint64_t modifier;
	VkImageUsageFlags usage;
};

class ImportedImage
{
public:
	ImportedImage() = default;
	ImportedImage(ImportedImage &&other) noexcept;
	ImportedImage &operator=(ImportedImage &&other) noexcept;
	~ImportedImage();

	static Result<ImportedImage> import(const Context &context, const DmaBuf &buffer,
					    const PlaneImport &plane);

	VkImage image() const { return image_; }
	VkImageView view() const { return view_; }
	VkFormat format() const { return format_; }
	uint32_t width() const { return width_; }
	uint32_t height() const { return height_; }

private:
	void reset();
	Status create(const Context &context, const DmaBuf &buffer, const PlaneImport &plane);

	VkDevice device_ = VK_NULL_HANDLE;
	VkImage image_ = VK_NULL_HANDLE;
	VkDeviceMemory memory_ = VK_NULL_HANDLE;
	VkImageView view_ = VK_NULL_HANDLE;
	VkFormat format_ = VK_FORMAT_UNDEFINED;
	uint32_t width_ = 0, height_ = 0;
};

} /* namespace dmabridge::internal::vk */
