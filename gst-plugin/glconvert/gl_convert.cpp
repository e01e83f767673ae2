/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridgeglconvert: the GPU converter over GLES (EGL on GBM over a DRM device). What is
 * shared with the Vulkan one lives in gpuconvert/; this is how the GPU is opened.
 */
#include "gl_convert.h"

#include <optional>
#include <string>

#include <dmabridge/drm.h>
#include <dmabridge/egl.h>
#include <dmabridge/gl_converter.h>

#include "../common/object_impl.h"

using namespace dmabridge;

namespace {

struct GlProperties
{
	std::string devicePath;
	std::string driverName;
};

GlProperties &properties(gpointer element)
{
	return *static_cast<GlProperties *>(
		reinterpret_cast<GstDmabridgeGlConvert *>(element)->impl_);
}

enum
{
	PROP_0,
	PROP_DEVICE,
	PROP_DRIVER_NAME
};

Result<DrmDevice> openDrm(const GlProperties &p)
{
	if (!p.devicePath.empty())
		return DrmDevice::open(p.devicePath);
	return DrmDevice::openByDriver(p.driverName);
}

/* EGL's probed constraints and the converter that owns it; drm: its DRM device, if any. */
Result<GpuBackend> backendOf(Result<EglDevice> egl, std::optional<DrmDevice> drm)
{
	Result<DeviceConstraints> sampler =
		egl ? egl->probe() : Result<DeviceConstraints>(egl.error());
	if (!sampler)
		return sampler.error();
	std::string label = egl->renderer() + ", " + egl->glVersion() + ", " + egl->label();
	Result<GlConverter> converter = GlConverter::create(std::move(*egl));
	if (!converter)
		return converter.error();
	converter->device().releaseCurrent(); /* the streaming thread makes it current */
	GpuBackend gpu;
	gpu.renderer = *sampler;
	gpu.renderer.role = "EGL render target (" + converter->device().renderer() + ")";
	gpu.renderer.formats.clear();
	for (const FormatInfo &format : formats())
		if (GpuConverter::canWrite(format.drm))
			gpu.renderer.formats.push_back({ format.drm, {} });
	gpu.renderer.canExport = true;
	gpu.sampler = std::move(*sampler);
	gpu.converter = std::make_unique<GlConverter>(std::move(*converter));
	gpu.drm = std::move(drm);
	gpu.label = label;
	return gpu;
}

/* EGL on the DRM device asked for, else on what EglDevice::openAny() finds best. */
Result<GpuBackend> openGl(GstDmabridgeGpuConvert *element)
{
	const GlProperties &p = properties(element);
	if (!p.devicePath.empty() || !p.driverName.empty()) {
		Result<DrmDevice> drm = openDrm(p);
		if (!drm)
			return drm.error();
		return backendOf(EglDevice::open(*drm), std::move(*drm));
	}
	Result<EglDevice> egl = EglDevice::openAny();
	if (!egl)
		return Error(egl.error().code(),
			     egl.error().message() + " (set device or driver-name)");
	std::optional<DrmDevice> drm;
	if (!egl->drmNode().empty())
		if (Result<DrmDevice> own = DrmDevice::open(egl->drmNode()))
			drm = std::move(*own);
	return backendOf(std::move(egl), std::move(drm));
}

} /* namespace */

G_DEFINE_TYPE(GstDmabridgeGlConvert, gst_dmabridge_gl_convert, gst_dmabridge_gpu_convert_get_type())

static void gl_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
	GlProperties &p = properties(object);
	if (id == PROP_DEVICE)
		p.devicePath = gst::stringOf(value);
	else if (id == PROP_DRIVER_NAME)
		p.driverName = gst::stringOf(value);
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

static void gl_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	GlProperties &p = properties(object);
	if (id == PROP_DEVICE)
		g_value_set_string(value, p.devicePath.c_str());
	else if (id == PROP_DRIVER_NAME)
		g_value_set_string(value, p.driverName.c_str());
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

static void gst_dmabridge_gl_convert_class_init(GstDmabridgeGlConvertClass *klass)
{
	GObjectClass *object = G_OBJECT_CLASS(klass);
	object->set_property = gl_set_property;
	object->get_property = gl_get_property;
	object->finalize = gst::finalizeImpl<GstDmabridgeGlConvert, GlProperties,
					     &gst_dmabridge_gl_convert_parent_class>;
	auto flags = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_property(object, PROP_DEVICE,
					g_param_spec_string("device", "Device",
							    "DRM node EGL runs on (/dev/dri/card0)",
							    nullptr, flags));
	g_object_class_install_property(
		object, PROP_DRIVER_NAME,
		g_param_spec_string("driver-name", "Driver name",
				    "DRM driver EGL runs on (vgem, v3d, panfrost...); empty: the "
				    "first render-only device",
				    nullptr, flags));
	gst_dmabridge_gpu_convert_describe(&klass->parent_class, "GLES", openGl);
}

static void gst_dmabridge_gl_convert_init(GstDmabridgeGlConvert *element)
{
	element->impl_ = new GlProperties();
}
