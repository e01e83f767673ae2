/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "constraints_query.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string_view>
#include <utility>

namespace dmabridge::gst {

namespace {

constexpr const char *kParams = "dmabridge-constraints";
constexpr const char *kAnnouncement = "dmabridge-constraints-announced";

std::string string(const GstStructure *s, const char *field)
{
	const char *value = gst_structure_get_string(s, field);
	return value ? value : "";
}

bool boolean(const GstStructure *s, const char *field)
{
	gboolean value = FALSE;
	gst_structure_get_boolean(s, field, &value);
	return value;
}

uint32_t uinteger(const GstStructure *s, const char *field)
{
	guint value = 1;
	gst_structure_get_uint(s, field, &value);
	return value;
}

void setDerived(GstStructure *s, const char *field, const Derived<bool> &fact)
{
	std::string source = std::string(field) + "-source";
	gst_structure_set(s, field, G_TYPE_BOOLEAN, gboolean(fact.value), source.c_str(),
			  G_TYPE_STRING, fact.source.c_str(), nullptr);
}

Derived<bool> getDerived(const GstStructure *s, const char *field)
{
	return { boolean(s, field), string(s, (std::string(field) + "-source").c_str()) };
}

/* "XRGB8888:0x0,0x700000000000002 NV12": formats, and modifiers where any are listed. */
std::string formatsText(const std::vector<FormatModifiers> &formats)
{
	std::string text;
	for (const FormatModifiers &format : formats) {
		const FormatInfo *info = formatFromDrm(format.fourcc);
		text += (text.empty() ? "" : " ") +
			(info ? std::string(info->name) : fourccToString(format.fourcc));
		for (size_t i = 0; i < format.modifiers.size(); i++) {
			char hex[24];
			std::snprintf(hex, sizeof(hex), "0x%llx",
				      (unsigned long long)format.modifiers[i]);
			text += (i ? "," : ":") + std::string(hex);
		}
	}
	return text;
}

std::vector<FormatModifiers> formatsFrom(const std::string &text)
{
	std::vector<FormatModifiers> formats;
	std::istringstream words(text);
	for (std::string word; words >> word;) {
		std::string name = word.substr(0, word.find(':'));
		const FormatInfo *info = formatFromName(name);
		if (!info)
			continue;
		FormatModifiers format{ info->drm, {} };
		if (size_t colon = word.find(':'); colon != std::string::npos) {
			std::istringstream list(word.substr(colon + 1));
			for (std::string modifier; std::getline(list, modifier, ',');)
				format.modifiers.push_back(
					std::strtoull(modifier.c_str(), nullptr, 16));
		}
		formats.push_back(std::move(format));
	}
	return formats;
}

bool sameDevice(const DeviceConstraints &a, const DeviceConstraints &b)
{
	return a.name == b.name && a.node == b.node && a.role == b.role;
}

void addUnique(std::vector<DeviceConstraints> &devices, DeviceConstraints device)
{
	for (const DeviceConstraints &known : devices)
		if (sameDevice(known, device))
			return;
	devices.push_back(std::move(device));
}

std::vector<DeviceConstraints> devicesOf(const GstStructure *params)
{
	std::vector<DeviceConstraints> devices;
	for (gint f = 0; params && f < gst_structure_n_fields(params); f++) {
		const GValue *value =
			gst_structure_get_value(params, gst_structure_nth_field_name(params, f));
		if (value && GST_VALUE_HOLDS_STRUCTURE(value))
			addUnique(devices, fromStructure(gst_value_get_structure(value)));
	}
	return devices;
}

GstStructure *paramsOf(const std::vector<DeviceConstraints> &devices)
{
	GstStructure *params = gst_structure_new_empty(kParams);
	for (size_t i = 0; i < devices.size(); i++) {
		GstStructure *entry = toStructure(devices[i]);
		gst_structure_set(params, ("device-" + std::to_string(i)).c_str(),
				  GST_TYPE_STRUCTURE, entry, nullptr);
		gst_structure_free(entry);
	}
	return params;
}

#if GST_CHECK_VERSION(1, 26, 0)
gboolean aggregate(GstStructure **aggregated, const GstStructure *a, const GstStructure *b)
{
	*aggregated = mergedParams(a, b);
	return TRUE;
}
#endif

} /* namespace */

GType constraintsApiType()
{
	static GType type = [] {
		static const gchar *tags[] = { nullptr };
		GType api = gst_meta_api_type_register("GstDmabridgeConstraintsAPI", tags);
#if GST_CHECK_VERSION(1, 26, 0)
		gst_meta_api_type_set_params_aggregator(api, aggregate);
#endif
		return api;
	}();
	return type;
}

GstStructure *mergedParams(const GstStructure *a, const GstStructure *b)
{
	std::vector<DeviceConstraints> devices = devicesOf(a);
	for (DeviceConstraints &device : devicesOf(b))
		addUnique(devices, std::move(device));
	return paramsOf(devices);
}

void announceConstraints(GstPad *sinkPad, const DeviceConstraints &device)
{
	GstStructure *announced = gst_structure_new_empty(kAnnouncement);
	GstStructure *entry = toStructure(device);
	gst_structure_set(announced, "device", GST_TYPE_STRUCTURE, entry, nullptr);
	gst_structure_free(entry);
	gst_pad_push_event(sinkPad, gst_event_new_custom(GST_EVENT_CUSTOM_UPSTREAM, announced));
}

bool Announcements::take(GstEvent *event)
{
	const GstStructure *s = gst_event_get_structure(event);
	if (GST_EVENT_TYPE(event) != GST_EVENT_CUSTOM_UPSTREAM || !s ||
	    !gst_structure_has_name(s, kAnnouncement))
		return false;
	const GValue *value = gst_structure_get_value(s, "device");
	if (value && GST_VALUE_HOLDS_STRUCTURE(value)) {
		std::lock_guard<std::mutex> locker(lock_);
		addUnique(devices_, fromStructure(gst_value_get_structure(value)));
	}
	return true;
}

std::vector<DeviceConstraints> Announcements::drain()
{
	std::lock_guard<std::mutex> locker(lock_);
	return std::exchange(devices_, {});
}

bool Announcements::empty()
{
	std::lock_guard<std::mutex> locker(lock_);
	return devices_.empty();
}

std::vector<DeviceConstraints> consumersOf(GstQuery *query, Announcements &announced)
{
	std::vector<DeviceConstraints> devices = constraintsFrom(query);
	for (DeviceConstraints &device : announced.drain())
		addUnique(devices, std::move(device));
	return devices;
}

GstStructure *toStructure(const DeviceConstraints &device)
{
	GstStructure *s = gst_structure_new(
		"dmabridge-device", "name", G_TYPE_STRING, device.name.c_str(), "node",
		G_TYPE_STRING, device.node.c_str(), "role", G_TYPE_STRING, device.role.c_str(),
		"driver", G_TYPE_STRING, device.driver.c_str(), "formats", G_TYPE_STRING,
		formatsText(device.formats).c_str(), "stride-align", G_TYPE_UINT,
		device.alignment.value.stride, "offset-align", G_TYPE_UINT,
		device.alignment.value.offset, "size-align", G_TYPE_UINT,
		device.alignment.value.size, "height-align", G_TYPE_UINT,
		device.alignment.value.height, "alignment-source", G_TYPE_STRING,
		device.alignment.source.c_str(), "address-limit", G_TYPE_UINT64,
		guint64(device.addressLimit.value), "address-limit-source", G_TYPE_STRING,
		device.addressLimit.source.c_str(), "can-import", G_TYPE_BOOLEAN,
		gboolean(device.canImport), "can-export", G_TYPE_BOOLEAN,
		gboolean(device.canExport), "memory-only-from", G_TYPE_STRING,
		device.memoryOnlyFrom.value.c_str(), "memory-only-from-source", G_TYPE_STRING,
		device.memoryOnlyFrom.source.c_str(), nullptr);
	setDerived(s, "contiguous", device.contiguous);
	setDerived(s, "iommu", device.iommu);
	setDerived(s, "exports-contiguous", device.exportsContiguous);
	setDerived(s, "coherent", device.coherent);
	gst_structure_set(s, "usable-memory", G_TYPE_UINT, device.usableMemory.value.bits,
			  "usable-memory-source", G_TYPE_STRING, device.usableMemory.source.c_str(),
			  nullptr);
	return s;
}

DeviceConstraints fromStructure(const GstStructure *s)
{
	DeviceConstraints device;
	device.name = string(s, "name");
	device.node = string(s, "node");
	device.role = string(s, "role");
	device.driver = string(s, "driver");
	device.formats = formatsFrom(string(s, "formats"));
	device.alignment.value.stride = uinteger(s, "stride-align");
	device.alignment.value.offset = uinteger(s, "offset-align");
	device.alignment.value.size = uinteger(s, "size-align");
	device.alignment.value.height = uinteger(s, "height-align");
	device.alignment.source = string(s, "alignment-source");
	guint64 limit = 0;
	gst_structure_get_uint64(s, "address-limit", &limit);
	device.addressLimit = { limit, string(s, "address-limit-source") };
	device.canImport = boolean(s, "can-import");
	device.canExport = boolean(s, "can-export");
	device.memoryOnlyFrom = { string(s, "memory-only-from"),
				  string(s, "memory-only-from-source") };
	device.contiguous = getDerived(s, "contiguous");
	device.iommu = getDerived(s, "iommu");
	device.exportsContiguous = getDerived(s, "exports-contiguous");
	device.coherent = getDerived(s, "coherent");
	guint usable = MemoryKinds::all().bits;
	if (gst_structure_get_uint(s, "usable-memory", &usable))
		device.usableMemory = { { usable }, string(s, "usable-memory-source") };
	return device;
}

void addConstraints(GstQuery *query, const DeviceConstraints &device)
{
	guint index = 0;
	std::vector<DeviceConstraints> devices;
	if (gst_query_find_allocation_meta(query, constraintsApiType(), &index)) {
		const GstStructure *old = nullptr;
		gst_query_parse_nth_allocation_meta(query, index, &old);
		devices = devicesOf(old);
		gst_query_remove_nth_allocation_meta(query, index);
	}
	addUnique(devices, device);
	GstStructure *params = paramsOf(devices);
	gst_query_add_allocation_meta(query, constraintsApiType(), params);
	gst_structure_free(params);
}

bool answeredByGstGl(GstQuery *query)
{
	for (guint i = 0; i < gst_query_get_n_allocation_metas(query); i++) {
		GType api = gst_query_parse_nth_allocation_meta(query, i, nullptr);
		if (std::string_view(g_type_name(api)) == "GstGLSyncMetaAPI")
			return true;
	}
	for (guint i = 0; i < gst_query_get_n_allocation_pools(query); i++) {
		GstBufferPool *pool = nullptr;
		gst_query_parse_nth_allocation_pool(query, i, &pool, nullptr, nullptr, nullptr);
		bool gl = pool && std::string_view(G_OBJECT_TYPE_NAME(pool)) == "GstGLBufferPool";
		if (pool)
			gst_object_unref(pool);
		if (gl)
			return true;
	}
	return false;
}

std::vector<DeviceConstraints> constraintsFrom(GstQuery *query)
{
	std::vector<DeviceConstraints> devices;
	guint count = gst_query_get_n_allocation_metas(query);
	for (guint i = 0; i < count; i++) {
		const GstStructure *params = nullptr;
		if (gst_query_parse_nth_allocation_meta(query, i, &params) == constraintsApiType())
			for (DeviceConstraints &device : devicesOf(params))
				addUnique(devices, std::move(device));
	}
	return devices;
}

} /* namespace dmabridge::gst */
