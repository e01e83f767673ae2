/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridgev4l2convert, dmabridgev4l2dec and dmabridgev4l2enc: subclasses of the m2m
 * element (m2m_element.cpp) that only say what they are: their role, description and pad
 * templates. They are made from the table below, each class getting its row as class
 * data, as GStreamer's v4l2 plugin makes its codec elements.
 */
#include <array>

#include <dmabridge/coded_format.h>
#include <dmabridge/v4l2_m2m.h>

#include "../common/caps.h"
#include "m2m_element.h"

using dmabridge::M2mRole;

namespace {

struct Subclass
{
	const char *typeName;
	M2mRole role;
	const char *longName;
	const char *classification;
	const char *description;
};

constexpr std::array kSubclasses = {
	/*
	 * A converter or scaler (vim2m, RGA, the i.MX ISI, the Pi's ISP). Its output queue
	 * imports upstream's dma-bufs, its capture queue writes into buffers planned for
	 * downstream: a camera to a display through it copies nothing.
	 */
	Subclass{ "GstDmabridgeV4l2Convert", M2mRole::Converter, "dmabridge V4L2 converter",
		  "Filter/Converter/Video/Scaler/Hardware",
		  "Converts and scales on a V4L2 memory-to-memory device, reading upstream's "
		  "dma-bufs and writing into buffers planned for downstream" },
	/*
	 * A stateful decoder (vicodec's FWHT; H.264 and HEVC on boards whose codec offers
	 * them), found by the compressed format of its caps. Its capture buffers are planned
	 * for downstream (a display, a GPU); the decoder's visible area (VIDIOC_G_SELECTION)
	 * travels in the video meta, not copied out; resolution changes
	 * (V4L2_EVENT_SOURCE_CHANGE) renegotiate; EOS drains (V4L2_DEC_CMD_STOP); a seek
	 * flushes.
	 */
	Subclass{ "GstDmabridgeV4l2Dec", M2mRole::Decoder, "dmabridge V4L2 decoder",
		  "Codec/Decoder/Video/Hardware",
		  "Decodes on a V4L2 stateful decoder into buffers planned for downstream; the "
		  "crop travels in the video meta, resolution changes renegotiate" },
	/*
	 * A stateful encoder (vicodec's FWHT in the board), found by the compressed format
	 * downstream takes. Its output queue imports upstream's dma-bufs, in the layout the
	 * encoder reads (whole blocks of lines: a pool planned for that is offered upstream);
	 * its compressed buffers go downstream as dma-bufs; EOS drains (V4L2_ENC_CMD_STOP).
	 */
	Subclass{ "GstDmabridgeV4l2Enc", M2mRole::Encoder, "dmabridge V4L2 encoder",
		  "Codec/Encoder/Video/Hardware",
		  "Encodes on a V4L2 stateful encoder, reading upstream's dma-bufs in the layout "
		  "it needs; the stream goes downstream in the encoder's own dma-bufs" },
};

/* Every compressed format of the table: which the device reads is known once open. */
GstCaps *allCodedCaps()
{
	GstCaps *caps = gst_caps_new_empty();
	for (const dmabridge::CodedFormat &format : dmabridge::codedFormats())
		gst_caps_append_structure(
			caps, gst_structure_new_empty(std::string(format.mediaType).c_str()));
	return gst_caps_simplify(caps);
}

void classInit(gpointer klass, gpointer data)
{
	const Subclass &subclass = *static_cast<const Subclass *>(data);
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	static_cast<GstDmabridgeV4l2M2mClass *>(klass)->role = int(subclass.role);
	gst_element_class_set_static_metadata(element, subclass.longName, subclass.classification,
					      subclass.description, "dmabridge");
	for (auto [name, direction] :
	     { std::pair{ "sink", GST_PAD_SINK }, std::pair{ "src", GST_PAD_SRC } }) {
		GstCaps *caps = gst_dmabridge_v4l2_m2m_carries_coded(subclass.role, direction)
					? allCodedCaps()
					: dmabridge::gst::allFormatsCaps();
		gst_element_class_add_pad_template(
			element, gst_pad_template_new(name, direction, GST_PAD_ALWAYS, caps));
	}
}

void instanceInit(GTypeInstance *instance, gpointer)
{
	gst_dmabridge_v4l2_m2m_setup(reinterpret_cast<GstDmabridgeV4l2M2m *>(instance));
}

/* The subclass of that role, registered with the others on the first call. */
GType subclassType(M2mRole role)
{
	static const std::array<GType, kSubclasses.size()> types = [] {
		std::array<GType, kSubclasses.size()> registered;
		for (size_t i = 0; i < kSubclasses.size(); i++) {
			GTypeInfo info = {};
			info.class_size = sizeof(GstDmabridgeV4l2M2mClass);
			info.class_init = classInit;
			info.class_data = &kSubclasses[i];
			info.instance_size = sizeof(GstDmabridgeV4l2M2m);
			info.instance_init = instanceInit;
			registered[i] = g_type_register_static(gst_dmabridge_v4l2_m2m_get_type(),
							       kSubclasses[i].typeName, &info,
							       GTypeFlags(0));
		}
		return registered;
	}();
	for (size_t i = 0; i < kSubclasses.size(); i++)
		if (kSubclasses[i].role == role)
			return types[i];
	return G_TYPE_INVALID;
}

} /* namespace */

GType gst_dmabridge_v4l2_convert_get_type(void)
{
	return subclassType(M2mRole::Converter);
}

GType gst_dmabridge_v4l2_dec_get_type(void)
{
	return subclassType(M2mRole::Decoder);
}

GType gst_dmabridge_v4l2_enc_get_type(void)
{
	return subclassType(M2mRole::Encoder);
}
