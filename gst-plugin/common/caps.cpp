/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "caps.h"

#include <algorithm>
#include <cstring>

#include <gst/allocators/allocators.h>

#include <dmabridge/format.h>
#include <dmabridge/layout.h>

namespace dmabridge::gst {

namespace {

void setDimension(GstStructure *structure, const char *name, uint32_t min, uint32_t max)
{
	if (min >= max)
		gst_structure_set(structure, name, G_TYPE_INT, int(min), nullptr);
	else
		gst_structure_set(structure, name, GST_TYPE_INT_RANGE, int(min), int(max), nullptr);
}

} /* namespace */

GstCaps *capsFor(const std::vector<FormatModifiers> &formats, const std::vector<SizeRange> &sizes)
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
	for (const SizeRange &size : sizes) {
		GstStructure *raw = gst_structure_new_empty("video/x-raw");
		setDimension(raw, "width", size.minWidth, size.maxWidth);
		setDimension(raw, "height", size.minHeight, size.maxHeight);
		add(raw);
	}
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

namespace {

/* The value of an int field nearest to want, within a fixed value or a range. */
int nearest(const GstStructure *s, const char *field, int want)
{
	const GValue *value = gst_structure_get_value(s, field);
	if (value && G_VALUE_HOLDS_INT(value))
		return g_value_get_int(value);
	if (value && GST_VALUE_HOLDS_INT_RANGE(value))
		return std::clamp(want, gst_value_get_int_range_min(value),
				  gst_value_get_int_range_max(value));
	return want;
}

/* Whether caps hold a structure of exactly this size (a size, not within a range). */
bool listsSize(GstCaps *caps, int width, int height)
{
	for (guint i = 0; caps && i < gst_caps_get_size(caps); i++) {
		const GstStructure *s = gst_caps_get_structure(caps, i);
		const GValue *w = gst_structure_get_value(s, "width");
		const GValue *h = gst_structure_get_value(s, "height");
		if (w && h && G_VALUE_HOLDS_INT(w) && G_VALUE_HOLDS_INT(h) &&
		    g_value_get_int(w) == width && g_value_get_int(h) == height)
			return true;
	}
	return false;
}

} /* namespace */

GstCaps *cheapestCaps(GstCaps *caps, GstCaps *othercaps, GstCaps *peer)
{
	GstStructure *in = gst_caps_get_structure(caps, 0);
	const char *format = gst_structure_get_string(in, "format");
	int width = 0, height = 0;
	gst_structure_get_int(in, "width", &width);
	gst_structure_get_int(in, "height", &height);

	int best = -1;
	int64_t bestCost = INT64_MAX;
	for (guint i = 0; format && i < gst_caps_get_size(othercaps); i++) {
		const GstStructure *candidate = gst_caps_get_structure(othercaps, i);
		const char *theirs = gst_structure_get_string(candidate, "format");
		int w = nearest(candidate, "width", width),
		    h = nearest(candidate, "height", height);
		bool converted = !theirs || std::strcmp(theirs, format) != 0;
		int64_t cost = converted ? (int64_t(1) << 50) : 0;
		if (w < width || h < height)
			cost += int64_t(1) << 40; /* cropping loses pixels */
		/*
		 * A size the peer lists on its own (a display's mode) is shown whole; one it
		 * takes only within a range may be cropped (a display shows a larger frame's
		 * corner). When the frame is copied anyway, a listed size that holds it wins.
		 */
		if (converted && peer && !listsSize(peer, w, h))
			cost += int64_t(1) << 30;
		cost += std::abs(int64_t(w) * h - int64_t(width) * height);
		if (cost < bestCost)
			bestCost = cost, best = int(i);
	}
	if (best < 0)
		return othercaps;
	GstCaps *chosen = gst_caps_copy_nth(othercaps, guint(best));
	GstStructure *s = gst_caps_get_structure(chosen, 0);
	gst_structure_fixate_field_nearest_int(s, "width", width);
	gst_structure_fixate_field_nearest_int(s, "height", height);
	gst_caps_unref(othercaps);
	return chosen;
}

GstCaps *applyFilter(GstCaps *caps, GstCaps *filter, bool filterFirst)
{
	if (!filter)
		return caps;
	GstCaps *both = filterFirst
				? gst_caps_intersect_full(filter, caps, GST_CAPS_INTERSECT_FIRST)
				: gst_caps_intersect_full(caps, filter, GST_CAPS_INTERSECT_FIRST);
	gst_caps_unref(caps);
	return both;
}

GstCaps *allFormatsCaps()
{
	std::vector<FormatModifiers> all;
	for (const FormatInfo &format : formats())
		all.push_back({ format.drm, {} });
	return capsFor(all);
}

} /* namespace dmabridge::gst */
