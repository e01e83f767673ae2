/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "../gpuconvert/gpu_convert.h"

G_BEGIN_DECLS

struct GstDmabridgeGlConvert
{
	GstDmabridgeGpuConvert parent;
	void *impl_;
};

struct GstDmabridgeGlConvertClass
{
	GstDmabridgeGpuConvertClass parent_class;
};

GType gst_dmabridge_gl_convert_get_type(void);

G_END_DECLS
