/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "caps.h"

#include <gst/allocators/allocators.h>

#include <dmabridge/format.h>
#include <dmabridge/layout.h>

namespace dmabridge::gst {

GstCaps *capsFor(const std::vector<FormatModifiers> &formats,
		 const std::vector<std::pair<uint32_t, uint32_t>> &sizes)
{
	GValue list = G_VALUE_INIT;
	g_value_init(&list, GST_TYPE_LIST);
	for (const FormatModifiers &format : formats) {
		const FormatInfo *info = formatFromDrm(format.fourcc);
		if (!info || info->gst.empty())
			continue;
		GValue name = G_VALUE_INIT;
		g_value_init(&name, G_TYPE_STRING);
		g_value_set_string(&name, std::string(info->gst).c_str());
		gst_value_list_append_and_take_value(&list, &name);
	}
	std::vector<GstStructure *> structures;
	auto add = [&](GstStructure *raw) {
		gst_structure_set(raw, "framerate", GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT, 1,
				  nullptr);
		gst_structure_set_value(raw, "format", &list);
		structures.push_back(raw);
	};
	for (const auto &[width, height] : sizes)
		add(gst_structure_new("video/x-raw", "width", G_TYPE_INT, int(width), "height",
				      G_TYPE_INT, int(height), nullptr));
	if (sizes.empty())
		add(gst_structure_new("video/x-raw", "width", GST_TYPE_INT_RANGE, 1,
				      int(kMaxDimension), "height", GST_TYPE_INT_RANGE, 1,
				      int(kMaxDimension), nullptr));
	g_value_unset(&list);

	GstCaps *caps = gst_caps_new_empty();
	for (GstStructure *raw : structures)
		gst_caps_append_structure_full(
			caps, gst_structure_copy(raw),
			gst_caps_features_new(GST_CAPS_FEATURE_MEMORY_DMABUF, nullptr));
	for (GstStructure *raw : structures)
		gst_caps_append_structure(caps, raw);
	return caps;
}

GstCaps *allFormatsCaps()
{
	std::vector<FormatModifiers> all;
	for (const FormatInfo &format : formats())
		all.push_back({ format.drm, {} });
	return capsFor(all);
}

} /* namespace dmabridge::gst */
