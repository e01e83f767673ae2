/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/video/gstvideosink.h>

G_BEGIN_DECLS

struct GstDmabridgeKmsSink
{
	GstVideoSink parent;
	void *impl_;
};

struct GstDmabridgeKmsSinkClass
{
	GstVideoSinkClass parent_class;
};

GType gst_dmabridge_kms_sink_get_type(void);

G_END_DECLS
