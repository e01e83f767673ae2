/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "drm_properties.h"

#include <xf86drm.h>
#include <xf86drmMode.h>

namespace dmabridge::internal {

DrmProperties::DrmProperties(int fd, uint32_t objectId, uint32_t objectType)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, objectId, objectType);
	if (!props)
		return;
	for (uint32_t i = 0; i < props->count_props; i++) {
		drmModePropertyPtr property = drmModeGetProperty(fd, props->props[i]);
		if (!property)
			continue;
		properties_.push_back({ property->name, property->prop_id, props->prop_values[i] });
		drmModeFreeProperty(property);
	}
	drmModeFreeObjectProperties(props);
}

uint32_t DrmProperties::id(const std::string &name) const
{
	for (const Property &property : properties_)
		if (property.name == name)
			return property.id;
	return 0;
}

uint64_t DrmProperties::value(const std::string &name, uint64_t fallback) const
{
	for (const Property &property : properties_)
		if (property.name == name)
			return property.value;
	return fallback;
}

std::vector<FormatModifiers> planeFormats(int fd, uint32_t planeId)
{
	std::vector<FormatModifiers> formats;
	DrmProperties properties(fd, planeId, DRM_MODE_OBJECT_PLANE);
	if (uint64_t blobId = properties.value("IN_FORMATS")) {
		drmModePropertyBlobPtr blob = drmModeGetPropertyBlob(fd, uint32_t(blobId));
		if (blob) {
			drmModeFormatModifierIterator iter = {};
			while (drmModeFormatModifierBlobIterNext(blob, &iter)) {
				if (formats.empty() || formats.back().fourcc != iter.fmt)
					formats.push_back({ iter.fmt, {} });
				formats.back().modifiers.push_back(iter.mod);
			}
			drmModeFreePropertyBlob(blob);
			return formats;
		}
	}
	drmModePlanePtr plane = drmModeGetPlane(fd, planeId);
	if (!plane)
		return formats;
	for (uint32_t i = 0; i < plane->count_formats; i++)
		formats.push_back({ plane->formats[i], {} });
	drmModeFreePlane(plane);
	return formats;
}

std::vector<DrmPlane> listPlanes(int fd)
{
	/* Primary and cursor planes are listed only to clients that ask for universal planes. */
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	std::vector<DrmPlane> result;
	drmModePlaneResPtr planes = drmModeGetPlaneResources(fd);
	if (!planes)
		return result;
	for (uint32_t i = 0; i < planes->count_planes; i++) {
		DrmProperties properties(fd, planes->planes[i], DRM_MODE_OBJECT_PLANE);
		uint64_t type = properties.value("type", ~0ull);
		result.push_back({ planes->planes[i],
				   type == DRM_PLANE_TYPE_PRIMARY  ? "primary"
				   : type == DRM_PLANE_TYPE_CURSOR ? "cursor"
								   : "overlay",
				   planeFormats(fd, planes->planes[i]) });
	}
	drmModeFreePlaneResources(planes);
	return result;
}

Result<PlaneFormats> primaryPlaneFormats(int fd)
{
	for (DrmPlane &plane : listPlanes(fd))
		if (plane.type == "primary")
			return PlaneFormats{ plane.id, std::move(plane.formats) };
	return Error(ENODEV, "no primary plane");
}

} /* namespace dmabridge::internal */
