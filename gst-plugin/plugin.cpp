/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dmabridge GStreamer plugin: one element per file under gst-plugin/. */
#include <string>

#include <gst/gst.h>

#include "bridge/bridge.h"
#include "common/element_docs.h"
#include "common/library_log.h"
#include "glconvert/gl_convert.h"
#include "kmssink/kms_sink.h"
#include "testsrc/test_src.h"
#include "v4l2m2m/m2m_element.h"
#include "v4l2src/v4l2_src.h"
#include "vkconvert/vk_convert.h"

namespace {

struct Element
{
	const char *name;
	GType (*type)();
};

constexpr Element kElements[] = {
	{ "dmabridge", gst_dmabridge_bridge_get_type },
	{ "dmabridgeglconvert", gst_dmabridge_gl_convert_get_type },
	{ "dmabridgevkconvert", gst_dmabridge_vk_convert_get_type },
	{ "dmabridgekmssink", gst_dmabridge_kms_sink_get_type },
	{ "dmabridgev4l2src", gst_dmabridge_v4l2_src_get_type },
	{ "dmabridgetestsrc", gst_dmabridge_test_src_get_type },
	{ "dmabridgev4l2convert", gst_dmabridge_v4l2_convert_get_type },
	{ "dmabridgev4l2dec", gst_dmabridge_v4l2_dec_get_type },
	{ "dmabridgev4l2enc", gst_dmabridge_v4l2_enc_get_type },
};

} /* namespace */

static gboolean plugin_init(GstPlugin *plugin)
{
	dmabridge::gst::forwardLibraryLog();
	for (const Element &element : kElements) {
		std::string error;
		if (!dmabridge::gst::documentElement(element.name, element.type(), error)) {
			g_critical("dmabridge: %s", error.c_str());
			return FALSE;
		}
		if (!gst_element_register(plugin, element.name, GST_RANK_NONE, element.type()))
			return FALSE;
	}
	return TRUE;
}

#define PACKAGE "dmabridge"
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, dmabridge,
		  "Zero-copy dma-buf sharing between V4L2, DRM/KMS and GPU elements", plugin_init,
		  DMABRIDGE_VERSION, "LGPL", "dmabridge", DMABRIDGE_ORIGIN)
