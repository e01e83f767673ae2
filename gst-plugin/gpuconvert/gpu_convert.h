/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The GPU converters' shared element (abstract): dmabridgeglconvert and
 * dmabridgevkconvert differ only in the GPU they open, which their class's open() does.
 */
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <gst/base/gstbasetransform.h>

#include <dmabridge/constraints.h>
#include <dmabridge/drm.h>
#include <dmabridge/error.h>
#include <dmabridge/gpu_converter.h>

/* What a GPU converter element opened at start. */
struct GpuBackend
{
	std::unique_ptr<dmabridge::GpuConverter> converter;
	/* What it samples (its input's constraints) and what it renders into (its output's). */
	dmabridge::DeviceConstraints sampler;
	dmabridge::DeviceConstraints renderer;
	/* The DRM device whose dumb buffers are the GPU's own memory, if it has one. */
	std::optional<dmabridge::DrmDevice> drm;
	std::string label; /* "llvmpipe (...) on vgem (/dev/dri/card0)" */
};

G_BEGIN_DECLS

struct GstDmabridgeGpuConvert
{
	GstBaseTransform parent;
	void *impl_;
};

struct GstDmabridgeGpuConvertClass
{
	GstBaseTransformClass parent_class;
	/* Opens the GPU; an error names what is missing (a device, an extension). */
	dmabridge::Result<GpuBackend> (*open)(GstDmabridgeGpuConvert *element);
};

GType gst_dmabridge_gpu_convert_get_type(void);

/* For a subclass's class_init: its metadata, naming the API, and its open(). */
void gst_dmabridge_gpu_convert_describe(
	GstDmabridgeGpuConvertClass *klass, const char *api,
	dmabridge::Result<GpuBackend> (*open)(GstDmabridgeGpuConvert *));

G_END_DECLS
