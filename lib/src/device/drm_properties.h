/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <dmabridge/constraints.h>
#include <dmabridge/drm.h>
#include <dmabridge/error.h>

namespace dmabridge::internal {

/* A KMS object's property ids by name. */
class DrmProperties
{
public:
	DrmProperties() = default;
	DrmProperties(int fd, uint32_t objectId, uint32_t objectType);

	/* 0 when the object has no such property. */
	uint32_t id(const std::string &name) const;
	/* The current value, or fallback when absent. */
	uint64_t value(const std::string &name, uint64_t fallback = 0) const;

private:
	struct Property
	{
		std::string name;
		uint32_t id;
		uint64_t value;
	};
	std::vector<Property> properties_;
};

/* Formats and modifiers of a plane: IN_FORMATS where the driver has it, else its list. */
std::vector<FormatModifiers> planeFormats(int fd, uint32_t planeId);

/* Every plane of the device (sets universal planes on fd). */
std::vector<DrmPlane> listPlanes(int fd);

struct PlaneFormats
{
	uint32_t planeId = 0;
	std::vector<FormatModifiers> formats;
};
/* The first primary plane's formats (needs no client caps of the caller's fd). */
Result<PlaneFormats> primaryPlaneFormats(int fd);

} /* namespace dmabridge::internal */
