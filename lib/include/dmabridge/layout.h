/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include <dmabridge/error.h>
#include <dmabridge/format.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

inline constexpr uint64_t kModifierLinear = 0;
inline constexpr uint64_t kModifierInvalid = 0x00ffffffffffffffULL;

/* Alignment in bytes that a device needs; 1 means none. */
struct Alignment
{
	uint32_t stride = 1; /* bytes per line, every plane */
	uint32_t offset = 1; /* start of every plane within its buffer */
	uint32_t size = 1;   /* buffer size (a page for most importers) */
	uint32_t height = 1; /* lines: some engines read whole tiles of lines */

	/* The strictest of both: what satisfies every device of a plan. */
	Alignment merged(const Alignment &other) const;
	std::string describe() const;
};

/* Where one plane lies: which buffer, where in it, how far apart its lines are. */
struct PlaneLayout
{
	uint32_t buffer = 0;
	uint64_t offset = 0;
	uint32_t stride = 0;
	uint64_t size = 0; /* bytes of the plane: stride x plane lines */

	bool operator==(const PlaneLayout &) const = default;
};

/*
 * A frame's layout: format and modifier, size, planes. Planes share one buffer
 * (buffers == 1) or each have their own (V4L2 multi-planar NV12M...).
 */
struct Layout
{
	uint32_t fourcc = 0;
	uint64_t modifier = kModifierLinear;
	uint32_t width = 0;
	uint32_t height = 0;
	unsigned planeCount = 0;
	std::array<PlaneLayout, 3> planes{};
	unsigned buffers = 1;

	const FormatInfo *format() const { return formatFromDrm(fourcc); }
	std::span<const PlaneLayout> planeSpan() const { return { planes.data(), planeCount }; }
	/* Bytes buffer index must hold: the end of its last plane. */
	uint64_t bufferSize(unsigned buffer) const;

	/*
	 * Checks a layout from outside (caps, a V4L2 format, a caller): known format, plane
	 * count matching it, strides at least the line length, planes inside buffers of the
	 * given sizes. The message says which plane and by how much.
	 */
	Status validate(std::span<const uint64_t> bufferSizes = {}) const;

	std::string describe() const;
	bool operator==(const Layout &) const = default;
};

/* A rectangle in pixels: of a frame (a source) or of a screen (a destination). */
struct Rect
{
	int32_t x = 0, y = 0;
	uint32_t width = 0, height = 0;

	bool operator==(const Rect &) const = default;
	bool empty() const { return !width || !height; }
	/* "640x360 at 192,204" */
	std::string describe() const;
};

/*
 * The part of a frame inside rect, as a layout of its own: the same lines from rect's
 * corner, whole (stride by height, so the region validates as any layout). For formats
 * of one plane only; an error when rect is not inside the frame, or when its last line
 * would reach past the frame's (a region touching the bottom edge away from the left).
 */
Result<Layout> regionOf(const Layout &layout, const Rect &rect);

/* The largest frame dimension accepted (V4L2 and DRM both stop well below this). */
inline constexpr uint32_t kMaxDimension = 16384;

/*
 * A linear layout for format at width x height with every plane's stride and offset
 * aligned as asked; one buffer for all planes, or one per plane. Chroma strides follow
 * the luma stride as V4L2 defines them. Sizes that would not fit a 32-bit V4L2 sizeimage
 * are refused.
 */
Result<Layout> computeLayout(uint32_t fourcc, uint32_t width, uint32_t height,
			     const Alignment &alignment = {}, bool bufferPerPlane = false);

/*
 * The layout a driver reports: the given luma stride (V4L2 bytesperline), chroma strides
 * and plane offsets following from it as V4L2 defines them for one-buffer formats.
 */
Result<Layout> layoutFromStride(uint32_t fourcc, uint32_t width, uint32_t height,
				uint32_t lumaStride, bool bufferPerPlane = false);

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
