/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "caps_dialect.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include <gst/allocators/allocators.h>

#include <dmabridge/format.h>

namespace dmabridge::gst {

namespace {

/*
 * GStreamer's dmabuf design document: from 1.24 a dma-buf's format in caps is
 * DMA_DRM plus drm-format, and elements take dma-buf memory only in that form.
 */
constexpr CapsDialect kDialects[] = {
	{ 22, false, "dma-buf caps name a video format, linear layouts only" },
	{ 24, true, "dma-buf caps are DMA_DRM with drm-format FOURCC[:0xMODIFIER]" },
};

constexpr const char *kDmaDrm = "DMA_DRM";

bool hasDmaBuf(const GstCapsFeatures *features)
{
	return features && gst_caps_features_contains(features, GST_CAPS_FEATURE_MEMORY_DMABUF);
}

/* A GValue holding name, or a list of the names when there are several. */
bool setStrings(GstStructure *structure, const char *field, const std::vector<std::string> &names)
{
	if (names.empty())
		return false;
	if (names.size() == 1) {
		gst_structure_set(structure, field, G_TYPE_STRING, names[0].c_str(), nullptr);
		return true;
	}
	GValue list = G_VALUE_INIT;
	g_value_init(&list, GST_TYPE_LIST);
	for (const std::string &name : names) {
		GValue value = G_VALUE_INIT;
		g_value_init(&value, G_TYPE_STRING);
		g_value_set_string(&value, name.c_str());
		gst_value_list_append_and_take_value(&list, &value);
	}
	gst_structure_take_value(structure, field, &list);
	return true;
}

/* The string a value holds, if it is a string and holds one (caps text "NULL" holds none). */
const char *stringOf(const GValue *value)
{
	return value && G_VALUE_HOLDS_STRING(value) ? g_value_get_string(value) : nullptr;
}

/* The strings of a string or list-of-strings field. */
std::vector<std::string> stringsOf(const GstStructure *structure, const char *field)
{
	std::vector<std::string> out;
	const GValue *value = gst_structure_get_value(structure, field);
	if (const char *text = stringOf(value))
		out.push_back(text);
	for (guint i = 0;
	     value && GST_VALUE_HOLDS_LIST(value) && i < gst_value_list_get_size(value); i++) {
		if (const char *text = stringOf(gst_value_list_get_value(value, i)))
			out.push_back(text);
	}
	return out;
}

/* The modifiers of a format entry: linear alone when its list is empty. */
std::vector<uint64_t> modifiersOf(const FormatModifiers &format)
{
	if (format.modifiers.empty())
		return { kModifierLinear };
	return format.modifiers;
}

/* Adds fourcc with modifier to formats: one entry per fourcc, in first-seen order. */
void addFormat(std::vector<FormatModifiers> &formats, uint32_t fourcc, uint64_t modifier)
{
	auto it = std::find_if(formats.begin(), formats.end(),
			       [&](const FormatModifiers &f) { return f.fourcc == fourcc; });
	std::vector<uint64_t> modifiers;
	if (it != formats.end())
		modifiers = modifiersOf(*it);
	else
		it = formats.insert(formats.end(), { fourcc, {} });
	if (std::find(modifiers.begin(), modifiers.end(), modifier) == modifiers.end())
		modifiers.push_back(modifier);
	/* Linear alone is an empty list, as everywhere in the library. */
	if (modifiers == std::vector<uint64_t>{ kModifierLinear })
		modifiers.clear();
	it->modifiers = std::move(modifiers);
}

/* A dma-buf structure of a dialect that puts DMA_DRM in format. */
bool isDrmForm(const GstStructure *structure, const GstCapsFeatures *features,
	       const CapsDialect &dialect)
{
	std::vector<std::string> names = stringsOf(structure, "format");
	return dialect.dmaDrm && hasDmaBuf(features) &&
	       std::find(names.begin(), names.end(), kDmaDrm) != names.end();
}

GstStructure *shapeWithout(const GstStructure *shape)
{
	GstStructure *structure =
		shape ? gst_structure_copy(shape) : gst_structure_new_empty("video/x-raw");
	gst_structure_remove_fields(structure, "format", "drm-format", nullptr);
	return structure;
}

/* Why a fixed structure names no single format the library knows. */
std::string unknownFormat(const GstStructure *structure, bool named)
{
	std::vector<std::string> drm = stringsOf(structure, "drm-format");
	std::vector<std::string> names = stringsOf(structure, "format");
	if (!named || (drm.empty() && names.empty()))
		return "the caps name no format";
	if (!drm.empty())
		return "drm-format " + drm.front() +
		       " is no DRM format (and modifier) the library knows";
	if (names.front() == kDmaDrm)
		return "DMA_DRM caps, which GStreamer before 1.24 does not take";
	return "no DRM format for GStreamer format " + names.front();
}

} /* namespace */

std::span<const CapsDialect> capsDialects()
{
	return kDialects;
}

const CapsDialect &capsDialectFor(unsigned minor)
{
	const CapsDialect *chosen = &kDialects[0];
	for (const CapsDialect &dialect : kDialects)
		if (minor >= dialect.minor)
			chosen = &dialect;
	return *chosen;
}

const CapsDialect &capsDialect()
{
	static const CapsDialect &running = []() -> const CapsDialect & {
		guint major = 0, minor = 0, micro = 0, nano = 0;
		gst_version(&major, &minor, &micro, &nano);
		return capsDialectFor(minor);
	}();
	return running;
}

std::string drmFormatString(uint32_t fourcc, uint64_t modifier)
{
	std::string text = fourccToString(fourcc);
	if (modifier == kModifierLinear)
		return text;
	char hex[24];
	std::snprintf(hex, sizeof(hex), ":0x%016" PRIx64, modifier);
	return text + hex;
}

std::optional<std::pair<uint32_t, uint64_t>> parseDrmFormatString(const char *text)
{
	if (!text || std::strlen(text) < 4)
		return std::nullopt;
	uint32_t fourcc = uint32_t(uint8_t(text[0])) | uint32_t(uint8_t(text[1])) << 8 |
			  uint32_t(uint8_t(text[2])) << 16 | uint32_t(uint8_t(text[3])) << 24;
	if (text[4] == '\0')
		return std::pair{ fourcc, kModifierLinear };
	if (text[4] != ':' || text[5] != '0' || (text[6] != 'x' && text[6] != 'X') || !text[7])
		return std::nullopt;
	char *end = nullptr;
	uint64_t modifier = g_ascii_strtoull(text + 7, &end, 16);
	if (!end || *end != '\0' || modifier == kModifierInvalid)
		return std::nullopt;
	return std::pair{ fourcc, modifier };
}

std::optional<std::vector<FormatModifiers>> formatsOf(const GstStructure *structure,
						      const GstCapsFeatures *features,
						      const CapsDialect &dialect)
{
	std::vector<FormatModifiers> formats;
	if (isDrmForm(structure, features, dialect)) {
		std::vector<std::string> drmFormats = stringsOf(structure, "drm-format");
		if (drmFormats.empty())
			return std::nullopt;
		for (const std::string &text : drmFormats)
			if (auto parsed = parseDrmFormatString(text.c_str());
			    parsed && formatFromDrm(parsed->first))
				addFormat(formats, parsed->first, parsed->second);
		return formats;
	}
	std::vector<std::string> names = stringsOf(structure, "format");
	if (names.empty())
		return std::nullopt;
	for (const std::string &name : names)
		if (const FormatInfo *info = formatFromGst(name))
			addFormat(formats, info->drm, kModifierLinear);
	return formats;
}

void appendRaw(GstCaps *caps, const std::optional<std::vector<FormatModifiers>> &formats,
	       const GstStructure *shape, bool dmabuf, bool system, const CapsDialect &dialect)
{
	std::vector<std::string> drmNames, gstNames;
	for (const FormatModifiers &format : formats.value_or(std::vector<FormatModifiers>{})) {
		const FormatInfo *info = formatFromDrm(format.fourcc);
		if (!info)
			continue;
		std::vector<uint64_t> modifiers = modifiersOf(format);
		bool linear = std::find(modifiers.begin(), modifiers.end(), kModifierLinear) !=
			      modifiers.end();
		for (uint64_t modifier : modifiers)
			drmNames.push_back(drmFormatString(format.fourcc, modifier));
		if (linear && !info->gst.empty())
			gstNames.emplace_back(info->gst);
	}

	if (dmabuf) {
		GstStructure *structure = shapeWithout(shape);
		bool any = !formats.has_value();
		if (dialect.dmaDrm) {
			gst_structure_set(structure, "format", G_TYPE_STRING, kDmaDrm, nullptr);
			any = any || setStrings(structure, "drm-format", drmNames);
		} else {
			any = any || setStrings(structure, "format", gstNames);
		}
		if (any)
			gst_caps_append_structure_full(
				caps, structure,
				gst_caps_features_new(GST_CAPS_FEATURE_MEMORY_DMABUF, nullptr));
		else
			gst_structure_free(structure);
	}
	if (system) {
		GstStructure *structure = shapeWithout(shape);
		if (!formats.has_value() || setStrings(structure, "format", gstNames))
			gst_caps_append_structure(caps, structure);
		else
			gst_structure_free(structure);
	}
}

Result<VideoCaps> parseVideoCaps(GstCaps *caps, const CapsDialect &dialect)
{
	if (!caps || gst_caps_is_empty(caps) || !gst_caps_is_fixed(caps))
		return Error(EINVAL, "caps are not fixed video caps");
	const GstStructure *structure = gst_caps_get_structure(caps, 0);
	VideoCaps video;
	video.dmabuf = hasDmaBuf(gst_caps_get_features(caps, 0));
	std::optional<std::vector<FormatModifiers>> formats =
		formatsOf(structure, gst_caps_get_features(caps, 0), dialect);
	if (!formats || formats->size() != 1 || modifiersOf(formats->front()).size() != 1)
		return Error(EINVAL, unknownFormat(structure, formats.has_value()));
	video.fourcc = formats->front().fourcc;
	video.modifier = modifiersOf(formats->front()).front();

	/* The size, rate and the rest as GstVideoInfo reads them, from the format's own name. */
	const FormatInfo *info = formatFromDrm(video.fourcc);
	if (info->gst.empty())
		return Error(EINVAL,
			     "format " + std::string(info->name) + " has no GStreamer name");
	GstCaps *plain = gst_caps_new_empty();
	GstStructure *copy = shapeWithout(structure);
	gst_structure_set(copy, "format", G_TYPE_STRING, std::string(info->gst).c_str(), nullptr);
	gst_caps_append_structure(plain, copy);
	bool parsed = gst_video_info_from_caps(&video.info, plain);
	gst_caps_unref(plain);
	if (!parsed)
		return Error(EINVAL, "GStreamer can't describe " + std::string(info->name) +
					     " at this size");
	return video;
}

void fixateFormat(GstCaps *caps, uint32_t fourcc, uint64_t modifier, const CapsDialect &dialect)
{
	GstStructure *structure = gst_caps_get_structure(caps, 0);
	const GstCapsFeatures *features = gst_caps_get_features(caps, 0);
	auto formats = formatsOf(structure, features, dialect);
	if (!formats)
		return;
	auto it = std::find_if(formats->begin(), formats->end(),
			       [&](const FormatModifiers &f) { return f.fourcc == fourcc; });
	if (it == formats->end())
		return;
	std::vector<uint64_t> modifiers = modifiersOf(*it);
	if (std::find(modifiers.begin(), modifiers.end(), modifier) == modifiers.end())
		modifier = modifiers.front();
	if (isDrmForm(structure, features, dialect))
		gst_structure_set(structure, "drm-format", G_TYPE_STRING,
				  drmFormatString(fourcc, modifier).c_str(), nullptr);
	else
		gst_structure_set(structure, "format", G_TYPE_STRING,
				  std::string(formatFromDrm(fourcc)->gst).c_str(), nullptr);
}

std::string dmaBufCapsText(uint32_t fourcc, const std::string &fields, const CapsDialect &dialect)
{
	std::string format = dialect.dmaDrm ? std::string(kDmaDrm) + ",drm-format=" +
						      drmFormatString(fourcc, kModifierLinear)
					    : std::string(formatFromDrm(fourcc)->gst);
	return "video/x-raw(memory:DMABuf),format=" + format + fields;
}

bool isDmaBufCaps(GstCaps *caps)
{
	return caps && !gst_caps_is_empty(caps) && hasDmaBuf(gst_caps_get_features(caps, 0));
}

} /* namespace dmabridge::gst */
