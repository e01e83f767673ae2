/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridgevkconvert: the GPU converter over Vulkan (VK_EXT_external_memory_dma_buf and
 * VK_EXT_image_drm_format_modifier). What is shared with the GLES one lives in
 * gpuconvert/; this is how the GPU is opened. A device without dma-buf import fails the
 * start with an error naming the extensions it lacks.
 */
#include "vk_convert.h"

#include <dmabridge/vk_converter.h>

using namespace dmabridge;

enum
{
	PROP_0,
	PROP_DEVICE_INDEX
};

G_DEFINE_TYPE(GstDmabridgeVkConvert, gst_dmabridge_vk_convert, gst_dmabridge_gpu_convert_get_type())

static Result<GpuBackend> openVulkan(GstDmabridgeGpuConvert *element)
{
	gint index = reinterpret_cast<GstDmabridgeVkConvert *>(element)->deviceIndex;
	Result<VkConverter> converter =
		index >= 0 ? VkConverter::create(unsigned(index)) : VkConverter::create();
	Result<DeviceConstraints> sampler =
		converter ? converter->probe() : Result<DeviceConstraints>(converter.error());
	if (!sampler)
		return sampler.error();
	GpuBackend gpu;
	gpu.renderer = *sampler;
	gpu.renderer.role = "Vulkan render target (" + converter->driverKey() + ")";
	gpu.renderer.formats = converter->renderFormats();
	gpu.sampler = std::move(*sampler);
	gpu.label = converter->describe() + ", device " + std::to_string(converter->deviceIndex());
	gpu.converter = std::make_unique<VkConverter>(std::move(*converter));
	return gpu;
}

static void vk_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
	if (id == PROP_DEVICE_INDEX)
		reinterpret_cast<GstDmabridgeVkConvert *>(object)->deviceIndex =
			g_value_get_int(value);
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

static void vk_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	if (id == PROP_DEVICE_INDEX)
		g_value_set_int(value,
				reinterpret_cast<GstDmabridgeVkConvert *>(object)->deviceIndex);
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

static void gst_dmabridge_vk_convert_class_init(GstDmabridgeVkConvertClass *klass)
{
	GObjectClass *object = G_OBJECT_CLASS(klass);
	object->set_property = vk_set_property;
	object->get_property = vk_get_property;
	g_object_class_install_property(
		object, PROP_DEVICE_INDEX,
		g_param_spec_int("device-index", "Device index",
				 "Vulkan physical device (vkEnumeratePhysicalDevices order); -1: "
				 "the first that imports dma-bufs",
				 -1, G_MAXINT, -1,
				 GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS)));
	gst_dmabridge_gpu_convert_describe(&klass->parent_class, "Vulkan", openVulkan);
}

static void gst_dmabridge_vk_convert_init(GstDmabridgeVkConvert *element)
{
	element->deviceIndex = -1;
}
