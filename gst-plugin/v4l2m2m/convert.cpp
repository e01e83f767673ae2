/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridgev4l2convert: a V4L2 memory-to-memory converter or scaler (vim2m, RGA, the
 * i.MX ISI, the Pi's ISP). Its output queue imports upstream's dma-bufs, its capture
 * queue writes into buffers planned for downstream: a camera to a display through it
 * copies nothing.
 */
#include <dmabridge/v4l2_m2m.h>

#include "../common/caps.h"
#include "m2m_element.h"

struct GstDmabridgeV4l2Convert
{
	GstDmabridgeV4l2M2m parent;
};

struct GstDmabridgeV4l2ConvertClass
{
	GstDmabridgeV4l2M2mClass parent_class;
};

G_DEFINE_TYPE(GstDmabridgeV4l2Convert, gst_dmabridge_v4l2_convert,
	      gst_dmabridge_v4l2_m2m_get_type())

static void gst_dmabridge_v4l2_convert_class_init(GstDmabridgeV4l2ConvertClass *klass)
{
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	reinterpret_cast<GstDmabridgeV4l2M2mClass *>(klass)->role =
		int(dmabridge::M2mRole::Converter);
	gst_element_class_set_static_metadata(
		element, "dmabridge V4L2 converter", "Filter/Converter/Video/Scaler/Hardware",
		"Converts and scales on a V4L2 memory-to-memory device, reading upstream's "
		"dma-bufs and writing into buffers planned for downstream",
		"dmabridge");
	for (auto [name, direction] :
	     { std::pair{ "sink", GST_PAD_SINK }, std::pair{ "src", GST_PAD_SRC } })
		gst_element_class_add_pad_template(
			element, gst_pad_template_new(name, direction, GST_PAD_ALWAYS,
						      dmabridge::gst::allFormatsCaps()));
}

static void gst_dmabridge_v4l2_convert_init(GstDmabridgeV4l2Convert *self)
{
	gst_dmabridge_v4l2_m2m_setup(reinterpret_cast<GstDmabridgeV4l2M2m *>(self));
}
