/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The element behind dmabridgev4l2convert, dmabridgev4l2dec and dmabridgev4l2enc: one
 * memory-to-memory device streamed through both queues. Each element is a subclass that
 * only says what it is (its role, pad templates and description: m2m_elements.cpp).
 */
#pragma once

#include <gst/gst.h>

#include <dmabridge/v4l2_m2m.h>

G_BEGIN_DECLS

struct GstDmabridgeV4l2M2m
{
	GstElement parent;
	GstPad *sinkpad;
	GstPad *srcpad;
	void *impl_;
};

struct GstDmabridgeV4l2M2mClass
{
	GstElementClass parent_class;
	int role; /* dmabridge::M2mRole */
};

GType gst_dmabridge_v4l2_m2m_get_type(void);
/* Called by each subclass's init: the pads from its templates. */
void gst_dmabridge_v4l2_m2m_setup(GstDmabridgeV4l2M2m *self);
/*
 * Whether a pad of that direction carries the compressed stream (a decoder's sink, an
 * encoder's source) rather than raw video.
 */
inline bool gst_dmabridge_v4l2_m2m_carries_coded(dmabridge::M2mRole role, GstPadDirection direction)
{
	return role == (direction == GST_PAD_SINK ? dmabridge::M2mRole::Decoder
						  : dmabridge::M2mRole::Encoder);
}
GType gst_dmabridge_v4l2_convert_get_type(void);
GType gst_dmabridge_v4l2_dec_get_type(void);
GType gst_dmabridge_v4l2_enc_get_type(void);

G_END_DECLS
