/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * KMS planes by what they can do, and where a frame goes on them. A display's planes
 * differ: vkms's primary plane in Linux 6.1 must cover the whole mode while its overlays
 * may sit anywhere; Rockchip's VOP windows and the Pi's HVS planes also scale. What a
 * plane can do is asked of the kernel (TEST_ONLY commits), never guessed from the
 * driver's name; placeFrame() then decides, for one frame size and format, which plane
 * shows it and where.
 */
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <dmabridge/constraints.h>
#include <dmabridge/layout.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/* One plane that can drive a CRTC, and what the kernel said it can do. */
struct KmsPlane
{
	enum class Type
	{
		Primary,
		Overlay,
		Cursor,
	};
	uint32_t id = 0;
	Type type = Type::Overlay;
	std::vector<FormatModifiers> formats;
	/* Stacking order: its zpos property, else by type (primary lowest, cursor highest). */
	Derived<uint64_t> zpos;
	/* It shows a rectangle smaller than the mode, away from the top-left corner. */
	Derived<bool> positions;
	/* It shows a source rectangle at another size (2x larger and 2x smaller). */
	Derived<bool> scales;

	bool takes(uint32_t fourcc, uint64_t modifier = kModifierLinear) const;
	/* "plane 40 (overlay, zpos 1 by type): positions, does not scale; XRGB8888, ..." */
	std::string describe() const;
};
const char *planeTypeName(KmsPlane::Type type);

/* A frame to place on a mode. */
struct PlacementRequest
{
	uint32_t fourcc = 0;
	uint64_t modifier = kModifierLinear;
	uint32_t width = 0, height = 0;
	uint32_t modeWidth = 0, modeHeight = 0;
	/* Where on the screen (cut to the mode); none: the whole mode. */
	std::optional<Rect> renderRectangle;
	/* Scaled frames keep their aspect ratio (centred, black around), else fill it. */
	bool keepAspect = true;
	/* 0: any plane; else only this one. */
	uint32_t planeId = 0;
};

/* Which plane shows a frame, which part of it, and where. */
struct Placement
{
	uint32_t planeId = 0; /* 0: no plane can show the frame (reason says why) */
	KmsPlane::Type type = KmsPlane::Type::Primary;
	Rect source;      /* of the frame */
	Rect destination; /* on the screen */
	std::string reason;

	bool scaled() const
	{
		return source.width != destination.width || source.height != destination.height;
	}
	/* Planes other than the primary need the primary under them (black). */
	bool onPrimary() const { return planeId && type == KmsPlane::Type::Primary; }
};

/*
 * Places a frame on the planes of one CRTC: the primary plane when the frame fills the
 * mode; else the lowest overlay that takes the format and can be positioned (and scaled,
 * when the frame is scaled into the render rectangle: only where a plane scales); else
 * the primary plane, positioned, where it can be. A frame larger than the rectangle that
 * no plane can scale shows its top-left part, as upstream kmssink crops. planeId 0 and
 * the reason for each plane when none can show it.
 */
Placement placeFrame(const std::vector<KmsPlane> &planes, const PlacementRequest &request);

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
