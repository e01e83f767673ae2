/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Where a frame goes on a CRTC's planes, from what each plane was found to do. Pure
 * geometry and preference order: the kernel was asked before (kms_planes.cpp), and the
 * commit that follows is the final word.
 */
#include <algorithm>
#include <tuple>

#include <dmabridge/kms_plane.h>
#include <dmabridge/modifier.h>

namespace dmabridge {

const char *planeTypeName(KmsPlane::Type type)
{
	switch (type) {
	case KmsPlane::Type::Primary:
		return "primary";
	case KmsPlane::Type::Cursor:
		return "cursor";
	default:
		return "overlay";
	}
}

bool KmsPlane::takes(uint32_t fourcc, uint64_t modifier) const
{
	DeviceConstraints plane;
	plane.formats = formats;
	return plane.acceptsFormat(fourcc, modifier);
}

std::string KmsPlane::describe() const
{
	std::string names;
	for (const FormatModifiers &format : formats)
		names += (names.empty() ? "" : ", ") + formatName(format.fourcc);
	return "plane " + std::to_string(id) + " (" + planeTypeName(type) + ", zpos " +
	       std::to_string(zpos.value) +
	       "): " + (positions.value ? "positions" : "does not position") + ", " +
	       (scales.value ? "scales" : "does not scale") + "; " + names;
}

namespace {

/* The render rectangle cut to the mode, or the whole mode. */
Rect target(const PlacementRequest &request)
{
	Rect mode{ 0, 0, request.modeWidth, request.modeHeight };
	if (!request.renderRectangle)
		return mode;
	const Rect &r = *request.renderRectangle;
	int64_t left = std::max<int64_t>(r.x, 0), top = std::max<int64_t>(r.y, 0);
	int64_t right = std::min<int64_t>(int64_t(r.x) + r.width, mode.width);
	int64_t bottom = std::min<int64_t>(int64_t(r.y) + r.height, mode.height);
	if (right <= left || bottom <= top)
		return {};
	return { int32_t(left), int32_t(top), uint32_t(right - left), uint32_t(bottom - top) };
}

/* A rectangle of this size centred in area. */
Rect centred(const Rect &area, uint32_t width, uint32_t height)
{
	return { area.x + int32_t((area.width - width) / 2),
		 area.y + int32_t((area.height - height) / 2), width, height };
}

/* Scaled into area: as large as fits with the aspect kept, or the whole area. */
void scaledGeometry(const PlacementRequest &request, const Rect &area, Placement &placement)
{
	placement.source = { 0, 0, request.width, request.height };
	if (!request.keepAspect) {
		placement.destination = area;
		return;
	}
	uint64_t byWidth = uint64_t(area.width) * request.height; /* height x area.width/w */
	uint64_t byHeight = uint64_t(area.height) * request.width;
	uint32_t width = area.width, height = area.height;
	if (byWidth > byHeight) /* the height limits */
		width = uint32_t(std::max<uint64_t>(1, byHeight / request.height));
	else
		height = uint32_t(std::max<uint64_t>(1, byWidth / request.width));
	placement.destination = centred(area, width, height);
}

/* At the frame's own size, centred in area; a frame larger than area keeps its top-left. */
void unscaledGeometry(const PlacementRequest &request, const Rect &area, Placement &placement)
{
	uint32_t width = std::min(request.width, area.width);
	uint32_t height = std::min(request.height, area.height);
	placement.source = { 0, 0, width, height };
	placement.destination = centred(area, width, height);
}

/* Why plane can't show the frame as placed; empty when it can. */
std::string unsuited(const KmsPlane &plane, const PlacementRequest &request, bool fullScreen,
		     bool scaled)
{
	if (!plane.takes(request.fourcc, request.modifier))
		return "no " + formatName(request.fourcc) +
		       (request.modifier != kModifierLinear ? ":" + modifierName(request.modifier)
							    : "");
	if (!fullScreen && !plane.positions.value)
		return "must cover the whole mode (" + plane.positions.source + ")";
	if (scaled && !plane.scales.value)
		return "no scaling (" + plane.scales.source + ")";
	return {};
}

/* The planes in the order they are tried: see placeFrame(). */
std::vector<const KmsPlane *> preferenceOrder(const std::vector<KmsPlane> &planes,
					      const PlacementRequest &request, bool fullScreen)
{
	std::vector<const KmsPlane *> order;
	auto add = [&](KmsPlane::Type type) {
		std::vector<const KmsPlane *> ofType;
		for (const KmsPlane &plane : planes)
			if (plane.type == type && (!request.planeId || plane.id == request.planeId))
				ofType.push_back(&plane);
		std::stable_sort(ofType.begin(), ofType.end(),
				 [](auto *a, auto *b) { return a->zpos.value < b->zpos.value; });
		order.insert(order.end(), ofType.begin(), ofType.end());
	};
	if (fullScreen)
		add(KmsPlane::Type::Primary);
	add(KmsPlane::Type::Overlay);
	if (!fullScreen)
		add(KmsPlane::Type::Primary);
	/* Cursor planes only when asked for by id: they are small and for pointers. */
	if (request.planeId)
		add(KmsPlane::Type::Cursor);
	return order;
}

/* "plane 31 (primary): R; planes 34 to 41 (overlay): R": planes in a row alike, together. */
std::string reasonsText(const std::vector<std::tuple<uint32_t, KmsPlane::Type, std::string>> &why)
{
	std::string text;
	for (size_t i = 0; i < why.size();) {
		auto [first, type, reason] = why[i];
		size_t j = i + 1;
		while (j < why.size() && std::get<1>(why[j]) == type &&
		       std::get<2>(why[j]) == reason)
			j++;
		uint32_t last = std::get<0>(why[j - 1]);
		text += (text.empty() ? "" : "; ") +
			(j - i == 1 ? "plane " + std::to_string(first)
				    : "planes " + std::to_string(first) + " to " +
					      std::to_string(last)) +
			" (" + planeTypeName(type) + "): " + reason;
		i = j;
	}
	return text;
}

/* The first plane in preference order that suits the geometry; reasons when none. */
bool choose(const std::vector<KmsPlane> &planes, const PlacementRequest &request,
	    Placement &placement, std::string &why)
{
	Rect mode{ 0, 0, request.modeWidth, request.modeHeight };
	bool fullScreen = placement.destination == mode;
	std::vector<std::tuple<uint32_t, KmsPlane::Type, std::string>> refused;
	for (const KmsPlane *plane : preferenceOrder(planes, request, fullScreen)) {
		std::string reason = unsuited(*plane, request, fullScreen, placement.scaled());
		if (reason.empty()) {
			placement.planeId = plane->id;
			placement.type = plane->type;
			return true;
		}
		refused.emplace_back(plane->id, plane->type, reason);
	}
	why = reasonsText(refused);
	return false;
}

} /* namespace */

Placement placeFrame(const std::vector<KmsPlane> &planes, const PlacementRequest &request)
{
	Placement placement;
	std::string frame = std::to_string(request.width) + "x" + std::to_string(request.height) +
			    " " + formatName(request.fourcc);
	auto at = [](const Rect &r) { return std::to_string(r.x) + "," + std::to_string(r.y); };
	std::string mode = std::to_string(request.modeWidth) + "x" +
			   std::to_string(request.modeHeight) + " mode";
	Rect area = target(request);
	if (area.empty() || !request.width || !request.height) {
		placement.reason = "no plane can show " + frame + ": the render rectangle " +
				   (request.renderRectangle ? request.renderRectangle->describe()
							    : std::string("(none)")) +
				   " is off the " + mode;
		return placement;
	}

	/* Scaled into the rectangle where that changes the picture and a plane can. */
	if (request.width != area.width || request.height != area.height) {
		scaledGeometry(request, area, placement);
		std::string whyScaled;
		if (placement.scaled() && choose(planes, request, placement, whyScaled)) {
			placement.reason = std::string("the ") + planeTypeName(placement.type) +
					   " plane " + std::to_string(placement.planeId) +
					   " scales " + frame + " to " +
					   placement.destination.describe() + " on the " + mode;
			return placement;
		}
	}
	unscaledGeometry(request, area, placement);
	std::string why;
	if (choose(planes, request, placement, why)) {
		bool cropped = placement.source.width != request.width ||
			       placement.source.height != request.height;
		placement.reason =
			std::string("the ") + planeTypeName(placement.type) + " plane " +
			std::to_string(placement.planeId) + " shows " + frame +
			(cropped ? " (its top-left " + std::to_string(placement.source.width) +
					   "x" + std::to_string(placement.source.height) + ")"
				 : std::string()) +
			" at " + at(placement.destination) + " on the " + mode;
		return placement;
	}
	placement.planeId = 0;
	placement.reason = "no plane can show " + frame + " at " + at(placement.destination) +
			   " on the " + mode + ": " +
			   (why.empty() ? "no plane drives the CRTC" : why);
	return placement;
}

} /* namespace dmabridge */
