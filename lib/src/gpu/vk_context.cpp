/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "vk_context.h"

#include <algorithm>
#include <cstring>

#include <drm_fourcc.h>

namespace dmabridge::internal::vk {

const char *const kRequiredExtensions[3] = {
	VK_EXT_EXTERNAL_MEMORY_DMA_BUF_EXTENSION_NAME,
	VK_KHR_EXTERNAL_MEMORY_FD_EXTENSION_NAME,
	VK_EXT_IMAGE_DRM_FORMAT_MODIFIER_EXTENSION_NAME,
};

namespace {

struct FormatMap
{
	uint32_t fourcc;
	VkFormat format;
};

/* DRM formats are little-endian words: XRGB8888 is B, G, R, X in memory. */
constexpr FormatMap kFormats[] = {
	{ DRM_FORMAT_XRGB8888, VK_FORMAT_B8G8R8A8_UNORM },
	{ DRM_FORMAT_ARGB8888, VK_FORMAT_B8G8R8A8_UNORM },
	{ DRM_FORMAT_XBGR8888, VK_FORMAT_R8G8B8A8_UNORM },
	{ DRM_FORMAT_ABGR8888, VK_FORMAT_R8G8B8A8_UNORM },
	{ DRM_FORMAT_RGB565, VK_FORMAT_R5G6B5_UNORM_PACK16 },
	{ DRM_FORMAT_R8, VK_FORMAT_R8_UNORM },
	{ DRM_FORMAT_GR88, VK_FORMAT_R8G8_UNORM },
};

std::vector<std::string> deviceExtensions(VkPhysicalDevice device)
{
	uint32_t count = 0;
	vkEnumerateDeviceExtensionProperties(device, nullptr, &count, nullptr);
	std::vector<VkExtensionProperties> listed(count);
	vkEnumerateDeviceExtensionProperties(device, nullptr, &count, listed.data());
	std::vector<std::string> names;
	for (const VkExtensionProperties &extension : listed)
		names.push_back(extension.extensionName);
	return names;
}

bool listed(const std::vector<std::string> &names, const char *name)
{
	return std::find(names.begin(), names.end(), name) != names.end();
}

/* The required extensions the device lacks, named; empty when it has them all. */
std::string missingExtensions(const std::vector<std::string> &names)
{
	std::string missing;
	for (const char *required : kRequiredExtensions)
		if (!listed(names, required))
			missing += (missing.empty() ? "" : ", ") + std::string(required);
	return missing;
}

} /* namespace */

std::string resultName(VkResult result)
{
	switch (result) {
	case VK_ERROR_OUT_OF_HOST_MEMORY:
		return "VK_ERROR_OUT_OF_HOST_MEMORY";
	case VK_ERROR_OUT_OF_DEVICE_MEMORY:
		return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
	case VK_ERROR_INITIALIZATION_FAILED:
		return "VK_ERROR_INITIALIZATION_FAILED";
	case VK_ERROR_DEVICE_LOST:
		return "VK_ERROR_DEVICE_LOST";
	case VK_ERROR_EXTENSION_NOT_PRESENT:
		return "VK_ERROR_EXTENSION_NOT_PRESENT";
	case VK_ERROR_FEATURE_NOT_PRESENT:
		return "VK_ERROR_FEATURE_NOT_PRESENT";
	case VK_ERROR_INCOMPATIBLE_DRIVER:
		return "VK_ERROR_INCOMPATIBLE_DRIVER";
	case VK_ERROR_FORMAT_NOT_SUPPORTED:
		return "VK_ERROR_FORMAT_NOT_SUPPORTED";
	case VK_ERROR_INVALID_EXTERNAL_HANDLE:
		return "VK_ERROR_INVALID_EXTERNAL_HANDLE";
	case VK_TIMEOUT:
		return "VK_TIMEOUT";
	default:
		return "VkResult " + std::to_string(int(result));
	}
}

Error fail(VkResult result, const std::string &what)
{
	int code = result == VK_ERROR_OUT_OF_HOST_MEMORY || result == VK_ERROR_OUT_OF_DEVICE_MEMORY
			   ? ENOMEM
		   : result == VK_ERROR_FORMAT_NOT_SUPPORTED ? ENOTSUP
							     : EIO;
	return Error(code, what + " failed (" + resultName(result) + ")");
}

VkFormat formatOf(uint32_t fourcc)
{
	for (const FormatMap &entry : kFormats)
		if (entry.fourcc == fourcc)
			return entry.format;
	return VK_FORMAT_UNDEFINED;
}

uint32_t Context::firstType(uint32_t bits)
{
	for (uint32_t i = 0; i < 32; i++)
		if (bits & (1u << i))
			return i;
	return UINT32_MAX;
}

Context::~Context()
{
	if (device)
		vkDestroyDevice(device, nullptr);
	if (instance)
		vkDestroyInstance(instance, nullptr);
}

Status Context::open(int wanted)
{
	VkApplicationInfo app = { VK_STRUCTURE_TYPE_APPLICATION_INFO };
	app.pApplicationName = "dmabridge";
	app.apiVersion = VK_API_VERSION_1_2;
	VkInstanceCreateInfo instanceInfo = { VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO };
	instanceInfo.pApplicationInfo = &app;
	if (VkResult r = vkCreateInstance(&instanceInfo, nullptr, &instance); r != VK_SUCCESS) {
		instance = VK_NULL_HANDLE;
		return fail(r, "Vulkan: vkCreateInstance");
	}
	uint32_t count = 0;
	vkEnumeratePhysicalDevices(instance, &count, nullptr);
	std::vector<VkPhysicalDevice> devices(count);
	vkEnumeratePhysicalDevices(instance, &count, devices.data());
	if (devices.empty())
		return Error(ENODEV, "Vulkan: no physical device");
	if (wanted >= int(devices.size()))
		return Error(ENODEV, "Vulkan: no physical device " + std::to_string(wanted) +
					     " (there are " + std::to_string(devices.size()) + ")");

	std::string refusals;
	std::vector<std::string> extensions;
	for (unsigned i = 0; i < devices.size() && !physical; i++) {
		if (wanted >= 0 && i != unsigned(wanted))
			continue;
		VkPhysicalDeviceProperties properties;
		vkGetPhysicalDeviceProperties(devices[i], &properties);
		extensions = deviceExtensions(devices[i]);
		std::string missing = missingExtensions(extensions);
		if (!missing.empty()) {
			refusals += std::string(refusals.empty() ? "" : "; ") +
				    properties.deviceName + " lacks " + missing;
			continue;
		}
		physical = devices[i];
		index = i;
		name = properties.deviceName;
	}
	if (!physical)
		return Error(ENOTSUP, "Vulkan: no device imports dma-bufs: " + refusals);

	VkPhysicalDeviceDriverProperties driver = {
		VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES
	};
	VkPhysicalDeviceProperties2 properties2 = { VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2,
						    &driver };
	vkGetPhysicalDeviceProperties2(physical, &properties2);
	driverInfo = std::string(driver.driverName) + " " + driver.driverInfo;

	uint32_t families = 0;
	vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, nullptr);
	std::vector<VkQueueFamilyProperties> familyProperties(families);
	vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, familyProperties.data());
	queueFamily = UINT32_MAX;
	for (uint32_t f = 0; f < families && queueFamily == UINT32_MAX; f++)
		if (familyProperties[f].queueFlags & VK_QUEUE_GRAPHICS_BIT)
			queueFamily = f;
	if (queueFamily == UINT32_MAX)
		return Error(ENOTSUP, "Vulkan: " + name + " has no graphics queue");

	std::vector<const char *> enabled(std::begin(kRequiredExtensions),
					  std::end(kRequiredExtensions));
	/* VK_EXT_image_drm_format_modifier needs it before Vulkan 1.2. */
	if (listed(extensions, VK_KHR_IMAGE_FORMAT_LIST_EXTENSION_NAME))
		enabled.push_back(VK_KHR_IMAGE_FORMAT_LIST_EXTENSION_NAME);
	if (listed(extensions, VK_EXT_QUEUE_FAMILY_FOREIGN_EXTENSION_NAME)) {
		enabled.push_back(VK_EXT_QUEUE_FAMILY_FOREIGN_EXTENSION_NAME);
		foreignFamily = VK_QUEUE_FAMILY_FOREIGN_EXT;
	}
	VkPhysicalDeviceExternalSemaphoreInfo semaphoreInfo = {
		VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_SEMAPHORE_INFO
	};
	semaphoreInfo.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
	VkExternalSemaphoreProperties semaphoreProperties = {
		VK_STRUCTURE_TYPE_EXTERNAL_SEMAPHORE_PROPERTIES
	};
	vkGetPhysicalDeviceExternalSemaphoreProperties(physical, &semaphoreInfo,
						       &semaphoreProperties);
	syncFdExport = listed(extensions, VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME) &&
		       (semaphoreProperties.externalSemaphoreFeatures &
			VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT);
	if (syncFdExport)
		enabled.push_back(VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME);

	float priority = 1.0f;
	VkDeviceQueueCreateInfo queueInfo = { VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO };
	queueInfo.queueFamilyIndex = queueFamily;
	queueInfo.queueCount = 1;
	queueInfo.pQueuePriorities = &priority;
	VkDeviceCreateInfo deviceInfo = { VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO };
	deviceInfo.queueCreateInfoCount = 1;
	deviceInfo.pQueueCreateInfos = &queueInfo;
	deviceInfo.enabledExtensionCount = uint32_t(enabled.size());
	deviceInfo.ppEnabledExtensionNames = enabled.data();
	if (VkResult r = vkCreateDevice(physical, &deviceInfo, nullptr, &device); r != VK_SUCCESS) {
		device = VK_NULL_HANDLE;
		return fail(r, "Vulkan: vkCreateDevice on " + name);
	}
	vkGetDeviceQueue(device, queueFamily, 0, &queue);
	getMemoryFdProperties = reinterpret_cast<PFN_vkGetMemoryFdPropertiesKHR>(
		vkGetDeviceProcAddr(device, "vkGetMemoryFdPropertiesKHR"));
	getSemaphoreFd = reinterpret_cast<PFN_vkGetSemaphoreFdKHR>(
		vkGetDeviceProcAddr(device, "vkGetSemaphoreFdKHR"));
	syncFdExport = syncFdExport && getSemaphoreFd;
	if (!getMemoryFdProperties)
		return Error(ENOTSUP, "Vulkan: " + name + " has no vkGetMemoryFdPropertiesKHR");
	return {};
}

std::vector<uint64_t> Context::importModifiers(uint32_t fourcc, VkImageUsageFlags usage) const
{
	VkFormat format = formatOf(fourcc);
	if (format == VK_FORMAT_UNDEFINED)
		return {};
	VkDrmFormatModifierPropertiesListEXT list = {
		VK_STRUCTURE_TYPE_DRM_FORMAT_MODIFIER_PROPERTIES_LIST_EXT
	};
	VkFormatProperties2 properties = { VK_STRUCTURE_TYPE_FORMAT_PROPERTIES_2, &list };
	vkGetPhysicalDeviceFormatProperties2(physical, format, &properties);
	std::vector<VkDrmFormatModifierPropertiesEXT> modifiers(list.drmFormatModifierCount);
	list.pDrmFormatModifierProperties = modifiers.data();
	vkGetPhysicalDeviceFormatProperties2(physical, format, &properties);

	std::vector<uint64_t> importable;
	for (const VkDrmFormatModifierPropertiesEXT &modifier : modifiers) {
		if (modifier.drmFormatModifierPlaneCount != 1)
			continue; /* planes of their own (compression metadata): not imported */
		VkPhysicalDeviceImageDrmFormatModifierInfoEXT modifierInfo = {
			VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_DRM_FORMAT_MODIFIER_INFO_EXT
		};
		modifierInfo.drmFormatModifier = modifier.drmFormatModifier;
		modifierInfo.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
		VkPhysicalDeviceExternalImageFormatInfo external = {
			VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_IMAGE_FORMAT_INFO, &modifierInfo
		};
		external.handleType = VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT;
		VkPhysicalDeviceImageFormatInfo2 info = {
			VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_IMAGE_FORMAT_INFO_2, &external
		};
		info.format = format;
		info.type = VK_IMAGE_TYPE_2D;
		info.tiling = VK_IMAGE_TILING_DRM_FORMAT_MODIFIER_EXT;
		info.usage = usage;
		VkExternalImageFormatProperties externalProperties = {
			VK_STRUCTURE_TYPE_EXTERNAL_IMAGE_FORMAT_PROPERTIES
		};
		VkImageFormatProperties2 result = { VK_STRUCTURE_TYPE_IMAGE_FORMAT_PROPERTIES_2,
						    &externalProperties };
		if (vkGetPhysicalDeviceImageFormatProperties2(physical, &info, &result) ==
			    VK_SUCCESS &&
		    (externalProperties.externalMemoryProperties.externalMemoryFeatures &
		     VK_EXTERNAL_MEMORY_FEATURE_IMPORTABLE_BIT))
			importable.push_back(modifier.drmFormatModifier);
	}
	return importable;
}

} /* namespace dmabridge::internal::vk */
