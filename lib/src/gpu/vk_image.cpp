/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vk_image.h"

#include <fcntl.h>
#include <unistd.h>
#include <utility>

#include <dmabridge/format.h>

#include "../internal/counters.h"

namespace dmabridge::internal::vk {

ImportedImage::ImportedImage(ImportedImage &&other) noexcept
{
	*this = std::move(other);
}

ImportedImage &ImportedImage::operator=(ImportedImage &&other) noexcept
{
	if (this != &other) {
		reset();
		std::swap(device_, other.device_);
		std::swap(image_, other.image_);
		std::swap(memory_, other.memory_);
		std::swap(view_, other.view_);
		std::swap(format_, other.format_);
		std::swap(width_, other.width_);
		std::swap(height_, other.height_);
	}
	return *this;
}

ImportedImage::~ImportedImage()
{
	reset();
}

void ImportedImage::reset()
{
	if (view_)
		vkDestroyImageView(device_, view_, nullptr);
	if (image_)
		vkDestroyImage(device_, image_, nullptr);
	if (memory_) {
		vkFreeMemory(device_, memory_, nullptr);
		countVulkanMemory(-1);
	}
	view_ = VK_NULL_HANDLE;
	image_ = VK_NULL_HANDLE;
	memory_ = VK_NULL_HANDLE;
}

Result<ImportedImage> ImportedImage::import(const Context &context, const DmaBuf &buffer,
					    const PlaneImport &plane)
{
	ImportedImage result;
	if (Status created = result.create(context, buffer, plane); !created)
		return created.error();
	return result;
}

Status ImportedImage::create(const Context &context, const DmaBuf &buffer, const PlaneImport &plane)
{
	device_ = context.device;
	format_ = formatOf(plane.fourcc);
	width_ = plane.width;
	height_ = plane.height;
	std::string what = "Vulkan on " + context.name + ": " + fourccToString(plane.fourcc) + " " +
			   std::to_string(plane.width) + "x" + std::to_string(plane.height) +
			   " at offset " + std::to_string(plane.offset) + ", pitch " +
			   std::to_string(plane.stride) + " of a dma-buf of " +
			   std::to_string(buffer.size()) + " bytes";
	if (format_ == VK_FORMAT_UNDEFINED)
		return Error(ENOTSUP, what + ": no Vulkan format for it");

	VkSubresourceLayout layout = {};
	layout.offset = plane.offset;
	layout.rowPitch = plane.stride;
	VkImageDrmFormatModifierExplicitCreateInfoEXT modifier = {
		VK_STRUCTURE_TYPE_IMAGE_DRM_FORMAT_MODIFIER_EXPLICIT_CREATE_INFO_EXT
	};
	modifier.drmFormatModifier = plane.modifier;
	modifier.drmFormatModifierPlaneCount = 1;
	modifier.pPlaneLayouts = &layout;
	VkExternalMemoryImageCreateInfo external = {
		VK_STRUCTURE_TYPE_EXTERNAL_MEMORY_IMAGE_CREATE_INFO, &modifier
	};
	external.handleTypes = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;
	VkImageCreateInfo info = { VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO, &external };
	info.imageType = VK_IMAGE_TYPE_2D;
	info.format = format_;
	info.extent = { plane.width, plane.height, 1 };
	info.mipLevels = 1;
	info.arrayLayers = 1;
	info.samples = VK_SAMPLE_COUNT_1_BIT;
	info.tiling = VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT;
	info.usage = plane.usage;
	info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
	info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
	if (VkResult r = vkCreateImage(device_, &info, nullptr, &image_); r != VK_SUCCESS) {
		image_ = VK_NULL_HANDLE;
		return fail(r, what + ": vkCreateImage");
	}

	VkMemoryRequirements requirements;
	vkGetImageMemoryRequirements(device_, image_, &requirements);
	VkMemoryFdPropertiesKHR fdProperties = { VK_STRUCTURE_TYPE_MEMORY_FD_PROPERTIES_KHR };
	if (VkResult r = context.getMemoryFdProperties(
		    device_, VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT, buffer.fd().get(),
		    &fdProperties);
	    r != VK_SUCCESS)
		return fail(r, what + ": vkGetMemoryFdPropertiesKHR");
	uint32_t type =
		Context::firstType(requirements.memoryTypeBits & fdProperties.memoryTypeBits);
	if (type == UINT32_MAX)
		return Error(ENOTSUP,
			     what + ": no memory type suits both the image and the dma-buf");
	if (requirements.size > buffer.size())
		return Error(EINVAL, what + ": the image needs " +
					     std::to_string(requirements.size) + " bytes");

	/* Vulkan owns the fd it imports: it gets a duplicate of the buffer's own. */
	int fd = ::fcntl(buffer.fd().get(), F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		return Error::fromErrno(errno, what + ": dup");
	VkMemoryDedicatedAllocateInfo dedicated = {
		VK_STRUCTURE_TYPE_MEMORY_DEDICATED_ALLOCATE_INFO
	};
	dedicated.image = image_;
	VkImportMemoryFdInfoKHR importInfo = { VK_STRUCTURE_TYPE_IMPORT_MEMORY_FD_INFO_KHR,
					       &dedicated };
	importInfo.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;
	importInfo.fd = fd;
	VkMemoryAllocateInfo allocate = { VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO, &importInfo };
	allocate.allocationSize = requirements.size;
	allocate.memoryTypeIndex = type;
	if (VkResult r = vkAllocateMemory(device_, &allocate, nullptr, &memory_); r != VK_SUCCESS) {
		::close(fd);
		memory_ = VK_NULL_HANDLE;
		return fail(r, what + ": importing it (vkAllocateMemory)");
	}
	countVulkanMemory(+1);
	if (VkResult r = vkBindImageMemory(device_, image_, memory_, 0); r != VK_SUCCESS)
		return fail(r, what + ": vkBindImageMemory");

	VkImageViewCreateInfo viewInfo = { VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO };
	viewInfo.image = image_;
	viewInfo.viewType = VK_IMAGE_VIEW_TYPE_2D;
	viewInfo.format = format_;
	viewInfo.subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 };
	if (VkResult r = vkCreateImageView(device_, &viewInfo, nullptr, &view_); r != VK_SUCCESS) {
		view_ = VK_NULL_HANDLE;
		return fail(r, what + ": vkCreateImageView");
	}
	return {};
}

} /* namespace dmabridge::internal::vk */
