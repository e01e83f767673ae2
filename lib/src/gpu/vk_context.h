/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A Vulkan device that imports dma-bufs: the instance, the physical device with the
 * extensions that takes, one graphics queue, and what the driver says of DRM formats in
 * dma-buf images. The converter (vk_converter.cpp) builds on it.
 */
#pragma once

#include <cstdint>
#include <string>
#include <vector>
#include <vulkan/vulkan.h>

#include <dmabridge/error.h>

namespace dmabridge::internal::vk {

/* "VK_ERROR_OUT_OF_HOST_MEMORY" or the number. */
std::string resultName(VkResult result);
/* An Error naming what failed and the VkResult. */
Error fail(VkResult result, const std::string &what);

/* The Vulkan format a DRM fourcc's memory reads as; VK_FORMAT_UNDEFINED when none. */
VkFormat formatOf(uint32_t fourcc);

struct Context
{
	VkInstance instance = VK_NULL_HANDLE;
	VkPhysicalDevice physical = VK_NULL_HANDLE;
	VkDevice device = VK_NULL_HANDLE;
	VkQueue queue = VK_NULL_HANDLE;
	uint32_t queueFamily = 0;
	unsigned index = 0;
	std::string name;       /* deviceName */
	std::string driverInfo; /* VkPhysicalDeviceDriverProperties: "Mesa 25.0.7-2" */
	/* Ownership of external memory moves from and to this family around each use. */
	uint32_t foreignFamily = VK_QUEUE_FAMILY_EXTERNAL;
	/* Submissions can signal a semaphore exported as a sync_file. */
	bool syncFdExport = false;

	PFN_vkGetMemoryFdPropertiesKHR getMemoryFdProperties = nullptr;
	PFN_vkGetSemaphoreFdKHR getSemaphoreFd = nullptr;

	Context() = default;
	Context(const Context &) = delete;
	Context &operator=(const Context &) = delete;
	~Context();

	/* Opens the physical device of that index, or the first suitable one (index < 0). */
	Status open(int index);

	/*
	 * The DRM modifiers the driver takes dma-buf images of fourcc in, for that usage
	 * (importable, VkPhysicalDeviceImageFormatProperties2 with the modifier); empty
	 * when none.
	 */
	std::vector<uint64_t> importModifiers(uint32_t fourcc, VkImageUsageFlags usage) const;

	/* The lowest memory type among bits. */
	static uint32_t firstType(uint32_t bits);
};

/* The extensions a device must have, in the order they are checked. */
extern const char *const kRequiredExtensions[3];

} /* namespace dmabridge::internal::vk */
