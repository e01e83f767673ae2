/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dmabridge GStreamer plugin: one element per file under gst-plugin/. */
#include <gst/gst.h>

#include "bridge/bridge.h"
#include "common/library_log.h"
#include "glconvert/gl_convert.h"
#include "kmssink/kms_sink.h"
#include "testsrc/test_src.h"
#include "v4l2m2m/m2m_element.h"
#include "v4l2src/v4l2_src.h"
#include "vkconvert/vk_convert.h"

static gboolean plugin_init(GstPlugin *plugin)
{
	dmabridge::gst::forwardLibraryLog();
	return gst_element_register(plugin, "dmabridge", GST_RANK_NONE,
				    gst_dmabridge_bridge_get_type()) &&
	       gst_element_register(plugin, "dmabridgeglconvert", GST_RANK_NONE,
				    gst_dmabridge_gl_convert_get_type()) &&
	       gst_element_register(plugin, "dmabridgevkconvert", GST_RANK_NONE,
				    gst_dmabridge_vk_convert_get_type()) &&
	       gst_element_register(plugin, "dmabridgekmssink", GST_RANK_NONE,
				    gst_dmabridge_kms_sink_get_type()) &&
	       gst_element_register(plugin, "dmabridgev4l2src", GST_RANK_NONE,
				    gst_dmabridge_v4l2_src_get_type()) &&
	       gst_element_register(plugin, "dmabridgetestsrc", GST_RANK_NONE,
				    gst_dmabridge_test_src_get_type()) &&
	       gst_element_register(plugin, "dmabridgev4l2convert", GST_RANK_NONE,
				    gst_dmabridge_v4l2_convert_get_type()) &&
	       gst_element_register(plugin, "dmabridgev4l2dec", GST_RANK_NONE,
				    gst_dmabridge_v4l2_dec_get_type()) &&
	       gst_element_register(plugin, "dmabridgev4l2enc", GST_RANK_NONE,
				    gst_dmabridge_v4l2_enc_get_type());
}

#define PACKAGE "dmabridge"
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, dmabridge,
		  "Zero-copy dma-buf sharing between V4L2, DRM/KMS and GPU elements", plugin_init,
		  DMABRIDGE_VERSION, "LGPL", "dmabridge", "dmabridge")
