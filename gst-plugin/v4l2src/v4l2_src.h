/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/base/gstpushsrc.h>

G_BEGIN_DECLS

struct GstDmabridgeV4l2Src
{
	GstPushSrc parent;
	void *impl_;
};

struct GstDmabridgeV4l2SrcClass
{
	GstPushSrcClass parent_class;
};

GType gst_dmabridge_v4l2_src_get_type(void);

G_END_DECLS
