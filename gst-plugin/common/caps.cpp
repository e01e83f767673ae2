/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "caps.h"

#include <algorithm>
#include <cstring>

#include <gst/allocators/allocators.h>

#include <dmabridge/format.h>
#include <dmabridge/layout.h>

#include "caps_dialect.h"

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
	std::vector<SizeRange> all = sizes;
	if (all.empty())
		all.push_back({ 1, 1, kMaxDimension, kMaxDimension });
	GstCaps *dmabuf = gst_caps_new_empty(), *system = gst_caps_new_empty();
	for (const SizeRange &size : all) {
		GstStructure *shape =
			gst_structure_new("video/x-raw", "framerate", GST_TYPE_FRACTION_RANGE, 0, 1,
					  G_MAXINT, 1, nullptr);
		setDimension(shape, "width", size.minWidth, size.maxWidth);
		setDimension(shape, "height", size.minHeight, size.maxHeight);
		appendRaw(dmabuf, formats, shape, true, false);
		appendRaw(system, formats, shape, false, true);
		gst_structure_free(shape);
	}
	gst_caps_append(dmabuf, system);
	return dmabuf;
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
	Result<VideoCaps> in = parseVideoCaps(caps);
	if (!in)
		return othercaps;
	int width = GST_VIDEO_INFO_WIDTH(&in->info), height = GST_VIDEO_INFO_HEIGHT(&in->info);

	int best = -1;
	bool bestConverts = true;
	int64_t bestCost = INT64_MAX;
	for (guint i = 0; i < gst_caps_get_size(othercaps); i++) {
		const GstStructure *candidate = gst_caps_get_structure(othercaps, i);
		auto theirs = formatsOf(candidate, gst_caps_get_features(othercaps, i));
		int w = nearest(candidate, "width", width),
		    h = nearest(candidate, "height", height);
		bool converted = theirs && std::none_of(theirs->begin(), theirs->end(),
							[&](const FormatModifiers &format) {
								return format.fourcc == in->fourcc;
							});
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
			bestCost = cost, best = int(i), bestConverts = converted;
	}
	if (best < 0)
		return othercaps;
	GstCaps *chosen = gst_caps_copy_nth(othercaps, guint(best));
	GstStructure *s = gst_caps_get_structure(chosen, 0);
	gst_structure_fixate_field_nearest_int(s, "width", width);
	gst_structure_fixate_field_nearest_int(s, "height", height);
	/* Passing through: the input's own format, wherever it stands in the list. */
	if (!bestConverts)
		fixateFormat(chosen, in->fourcc, in->modifier);
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

bool takeVideoCaps(GstElement *element, GstCaps *caps, VideoCaps &video)
{
	Result<VideoCaps> parsed = parseVideoCaps(caps);
	if (!parsed) {
		GST_ELEMENT_ERROR(element, CORE, NEGOTIATION,
				  ("%s", parsed.error().describe().c_str()), (nullptr));
		return false;
	}
	video = *parsed;
	return true;
}

GstCaps *allFormatsCaps()
{
	std::vector<FormatModifiers> all;
	for (const FormatInfo &format : formats())
		all.push_back({ format.drm, {} });
	return capsFor(all);
}

} /* namespace dmabridge::gst */
