/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "../gpuconvert/gpu_convert.h"

G_BEGIN_DECLS

struct GstDmabridgeVkConvert
{
	GstDmabridgeGpuConvert parent;
	gint deviceIndex;
};

struct GstDmabridgeVkConvertClass
{
	GstDmabridgeGpuConvertClass parent_class;
};

GType gst_dmabridge_vk_convert_get_type(void);

G_END_DECLS
