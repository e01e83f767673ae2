/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "constraints_query.h"

#include <sstream>
#include <string_view>

namespace dmabridge::gst {

namespace {

constexpr const char *kParams = "dmabridge-constraints";

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

} /* namespace */

GType constraintsApiType()
{
	static GType type = [] {
		static const gchar *tags[] = { nullptr };
		return gst_meta_api_type_register("GstDmabridgeConstraintsAPI", tags);
	}();
	return type;
}

GstStructure *toStructure(const DeviceConstraints &device)
{
	std::string formats;
	for (const FormatModifiers &format : device.formats)
		formats += (formats.empty() ? "" : " ") + fourccToString(format.fourcc);
	GstStructure *s = gst_structure_new(
		"dmabridge-device", "name", G_TYPE_STRING, device.name.c_str(), "node",
		G_TYPE_STRING, device.node.c_str(), "role", G_TYPE_STRING, device.role.c_str(),
		"driver", G_TYPE_STRING, device.driver.c_str(), "formats", G_TYPE_STRING,
		formats.c_str(), "stride-align", G_TYPE_UINT, device.alignment.value.stride,
		"offset-align", G_TYPE_UINT, device.alignment.value.offset, "size-align",
		G_TYPE_UINT, device.alignment.value.size, "address-limit", G_TYPE_UINT64,
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
	return s;
}

DeviceConstraints fromStructure(const GstStructure *s)
{
	DeviceConstraints device;
	device.name = string(s, "name");
	device.node = string(s, "node");
	device.role = string(s, "role");
	device.driver = string(s, "driver");
	std::istringstream formats(string(s, "formats"));
	for (std::string name; formats >> name;) {
		if (const FormatInfo *info = formatFromName(name))
			device.formats.push_back({ info->drm, {} });
	}
	device.alignment.value.stride = uinteger(s, "stride-align");
	device.alignment.value.offset = uinteger(s, "offset-align");
	device.alignment.value.size = uinteger(s, "size-align");
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
	return device;
}

void addConstraints(GstQuery *query, const DeviceConstraints &device)
{
	guint index = 0;
	GstStructure *params = nullptr;
	if (gst_query_find_allocation_meta(query, constraintsApiType(), &index)) {
		const GstStructure *old = nullptr;
		gst_query_parse_nth_allocation_meta(query, index, &old);
		params = old ? gst_structure_copy(old) : gst_structure_new_empty(kParams);
		gst_query_remove_nth_allocation_meta(query, index);
	} else {
		params = gst_structure_new_empty(kParams);
	}
	std::string field = "device-" + std::to_string(gst_structure_n_fields(params));
	GstStructure *entry = toStructure(device);
	gst_structure_set(params, field.c_str(), GST_TYPE_STRUCTURE, entry, nullptr);
	gst_structure_free(entry);
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
		if (gst_query_parse_nth_allocation_meta(query, i, &params) !=
			    constraintsApiType() ||
		    !params)
			continue;
		for (gint f = 0; f < gst_structure_n_fields(params); f++) {
			const GValue *value = gst_structure_get_value(
				params, gst_structure_nth_field_name(params, f));
			if (value && GST_VALUE_HOLDS_STRUCTURE(value))
				devices.push_back(fromStructure(gst_value_get_structure(value)));
		}
	}
	return devices;
}

} /* namespace dmabridge::gst */
