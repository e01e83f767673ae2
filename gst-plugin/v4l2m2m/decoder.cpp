/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridgev4l2dec: a V4L2 stateful decoder (vicodec's FWHT; H.264 and HEVC on boards
 * whose codec offers them), found by the compressed format of its caps. Its capture
 * buffers are planned for downstream (a display, a GPU); the decoder's visible area
 * (VIDIOC_G_SELECTION) travels in the video meta, not copied out; resolution changes
 * (V4L2_EVENT_SOURCE_CHANGE) renegotiate; EOS drains (V4L2_DEC_CMD_STOP); a seek flushes.
 */
#include <dmabridge/coded_format.h>
#include <dmabridge/v4l2_m2m.h>

#include "../common/caps.h"
#include "m2m_element.h"

struct GstDmabridgeV4l2Dec
{
	GstDmabridgeV4l2M2m parent;
};

struct GstDmabridgeV4l2DecClass
{
	GstDmabridgeV4l2M2mClass parent_class;
};

G_DEFINE_TYPE(GstDmabridgeV4l2Dec, gst_dmabridge_v4l2_dec, gst_dmabridge_v4l2_m2m_get_type())

/* Every compressed format of the table: which the device reads is known once open. */
GstCaps *allCodedCaps()
{
	GstCaps *caps = gst_caps_new_empty();
	for (const dmabridge::CodedFormat &format : dmabridge::codedFormats())
		gst_caps_append_structure(
			caps, gst_structure_new_empty(std::string(format.mediaType).c_str()));
	return gst_caps_simplify(caps);
}

static void gst_dmabridge_v4l2_dec_class_init(GstDmabridgeV4l2DecClass *klass)
{
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	reinterpret_cast<GstDmabridgeV4l2M2mClass *>(klass)->role =
		int(dmabridge::M2mRole::Decoder);
	gst_element_class_set_static_metadata(
		element, "dmabridge V4L2 decoder", "Codec/Decoder/Video/Hardware",
		"Decodes on a V4L2 stateful decoder into buffers planned for downstream; the "
		"crop travels in the video meta, resolution changes renegotiate",
		"dmabridge");
	gst_element_class_add_pad_template(
		element,
		gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, allCodedCaps()));
	gst_element_class_add_pad_template(element,
					   gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS,
								dmabridge::gst::allFormatsCaps()));
}

static void gst_dmabridge_v4l2_dec_init(GstDmabridgeV4l2Dec *self)
{
	gst_dmabridge_v4l2_m2m_setup(reinterpret_cast<GstDmabridgeV4l2M2m *>(self));
}
