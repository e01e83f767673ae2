/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/base/gstbasetransform.h>

G_BEGIN_DECLS

struct GstDmabridgeGlConvert
{
	GstBaseTransform parent;
	void *impl_;
};

struct GstDmabridgeGlConvertClass
{
	GstBaseTransformClass parent_class;
};

GType gst_dmabridge_gl_convert_get_type(void);

G_END_DECLS
