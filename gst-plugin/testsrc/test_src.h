/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/base/gstpushsrc.h>

G_BEGIN_DECLS

struct GstDmabridgeTestSrc
{
	GstPushSrc parent;
	void *impl_;
};

struct GstDmabridgeTestSrcClass
{
	GstPushSrcClass parent_class;
};

GType gst_dmabridge_test_src_get_type(void);

G_END_DECLS
