/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridgev4l2enc: a V4L2 stateful encoder (vicodec's FWHT in the board), found by the
 * compressed format downstream takes. Its output queue imports upstream's dma-bufs, in
 * the layout the encoder reads (whole blocks of lines: a pool planned for that is offered
 * upstream); its compressed buffers go downstream as dma-bufs; EOS drains
 * (V4L2_ENC_CMD_STOP).
 */
#include <dmabridge/v4l2_m2m.h>

#include "../common/caps.h"
#include "m2m_element.h"

GstCaps *allCodedCaps();

struct GstDmabridgeV4l2Enc
{
	GstDmabridgeV4l2M2m parent;
};

struct GstDmabridgeV4l2EncClass
{
	GstDmabridgeV4l2M2mClass parent_class;
};

G_DEFINE_TYPE(GstDmabridgeV4l2Enc, gst_dmabridge_v4l2_enc, gst_dmabridge_v4l2_m2m_get_type())

static void gst_dmabridge_v4l2_enc_class_init(GstDmabridgeV4l2EncClass *klass)
{
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	reinterpret_cast<GstDmabridgeV4l2M2mClass *>(klass)->role =
		int(dmabridge::M2mRole::Encoder);
	gst_element_class_set_static_metadata(
		element, "dmabridge V4L2 encoder", "Codec/Encoder/Video/Hardware",
		"Encodes on a V4L2 stateful encoder, reading upstream's dma-bufs in the layout "
		"it needs; the stream goes downstream in the encoder's own dma-bufs",
		"dmabridge");
	gst_element_class_add_pad_template(
		element, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
					      dmabridge::gst::allFormatsCaps()));
	gst_element_class_add_pad_template(
		element, gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, allCodedCaps()));
}

static void gst_dmabridge_v4l2_enc_init(GstDmabridgeV4l2Enc *self)
{
	gst_dmabridge_v4l2_m2m_setup(reinterpret_cast<GstDmabridgeV4l2M2m *>(self));
}
