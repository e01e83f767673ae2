/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cstdio>
#include <limits>
#include <numeric>

#include <dmabridge/layout.h>
#include <dmabridge/modifier.h>

namespace dmabridge {

namespace {

uint64_t alignUp(uint64_t value, uint64_t alignment)
{
	return alignment <= 1 ? value : (value + alignment - 1) / alignment * alignment;
}

uint32_t strictest(uint32_t a, uint32_t b)
{
	return std::lcm(std::max(a, 1u), std::max(b, 1u));
}

/* Bytes of one line of plane p: the least a stride may be. */
uint64_t lineBytes(const FormatInfo &format, unsigned plane, uint32_t width)
{
	return uint64_t(format.planeWidth(plane, width)) * format.bytesPerPixel[plane];
}

Status checkDimensions(uint32_t width, uint32_t height)
{
	if (width == 0 || height == 0 || width > kMaxDimension || height > kMaxDimension)
		return Error(EINVAL, "frame size " + std::to_string(width) + "x" +
					     std::to_string(height) + " is outside 1x1 to " +
					     std::to_string(kMaxDimension) + "x" +
					     std::to_string(kMaxDimension));
	return {};
}

std::string hex(uint64_t value)
{
	char text[19];
	snprintf(text, sizeof(text), "0x%llx", (unsigned long long)value);
	return text;
}

} /* namespace */

Alignment Alignment::merged(const Alignment &other) const
{
	return { strictest(stride, other.stride), strictest(offset, other.offset),
		 strictest(size, other.size), strictest(height, other.height) };
}

std::string Alignment::describe() const
{
	return "stride " + std::to_string(stride) + ", offset " + std::to_string(offset) +
	       ", size " + std::to_string(size) + ", lines " + std::to_string(height);
}

uint64_t Layout::bufferSize(unsigned buffer) const
{
	uint64_t end = 0;
	for (const PlaneLayout &plane : planeSpan())
		if (plane.buffer == buffer)
			end = std::max(end, plane.offset + plane.size);
	return end;
}

Status Layout::validate(std::span<const uint64_t> bufferSizes) const
{
	const FormatInfo *info = format();
	if (!info)
		return Error(EINVAL, "unknown format " + fourccToString(fourcc));
	if (modifier == kModifierInvalid)
		return Error(EINVAL, "modifier INVALID (" + hex(modifier) + ") of " +
					     std::string(info->name) + " describes no layout");
	/* Tiles and compression have rules of their own: the importing driver checks them. */
	bool linear = modifier == kModifierLinear;
	if (Status dimensions = checkDimensions(width, height); !dimensions)
		return dimensions.error();
	if (planeCount != info->planes)
		return Error(EINVAL, std::string(info->name) + " has " +
					     std::to_string(info->planes) + " planes, the layout " +
					     std::to_string(planeCount));
	for (unsigned p = 0; p < planeCount; p++) {
		const PlaneLayout &plane = planes[p];
		std::string which = std::string(info->name) + " plane " + std::to_string(p);
		uint64_t minimum = lineBytes(*info, p, width);
		if (linear && plane.stride < minimum)
			return Error(EINVAL, which + ": stride " + std::to_string(plane.stride) +
						     " is below the line length " +
						     std::to_string(minimum) + " for width " +
						     std::to_string(width));
		if (plane.buffer >= buffers)
			return Error(EINVAL, which + " is in buffer " +
						     std::to_string(plane.buffer) + " of " +
						     std::to_string(buffers));
		uint64_t needed = uint64_t(plane.stride) * info->planeHeight(p, height);
		if (linear && plane.size < needed)
			return Error(EINVAL, which + ": " + std::to_string(plane.size) +
						     " bytes, needs " + std::to_string(needed));
		if (plane.buffer < bufferSizes.size() &&
		    plane.offset + plane.size > bufferSizes[plane.buffer])
			return Error(EINVAL, which + " ends at byte " +
						     std::to_string(plane.offset + plane.size) +
						     ", past the end of its " +
						     std::to_string(bufferSizes[plane.buffer]) +
						     "-byte buffer");
	}
	return {};
}

std::string Layout::describe() const
{
	const FormatInfo *info = format();
	std::string text = (info ? std::string(info->name) : fourccToString(fourcc)) + " " +
			   std::to_string(width) + "x" + std::to_string(height);
	if (modifier != kModifierLinear)
		text += " as " + modifierName(modifier);
	for (unsigned p = 0; p < planeCount; p++) {
		text += p == 0 ? ": " : "; ";
		text += "plane " + std::to_string(p) + " stride " +
			std::to_string(planes[p].stride) + " offset " +
			std::to_string(planes[p].offset);
		if (buffers > 1)
			text += " (buffer " + std::to_string(planes[p].buffer) + ")";
	}
	return text;
}

namespace {

/* Planes from a luma stride: chroma strides scaled by their bytes per line, as V4L2 does. */
Result<Layout> buildLayout(const FormatInfo &info, uint32_t width, uint32_t height,
			   uint64_t lumaStride, uint32_t lines, uint32_t offsetAlign,
			   uint32_t sizeAlign, bool bufferPerPlane)
{
	Layout layout;
	layout.fourcc = info.drm;
	layout.width = width;
	layout.height = height;
	layout.planeCount = info.planes;
	layout.buffers = bufferPerPlane ? info.planes : 1;

	uint64_t offset = 0;
	for (unsigned p = 0; p < info.planes; p++) {
		PlaneLayout &plane = layout.planes[p];
		uint64_t stride =
			p == 0 ? lumaStride
			       : lumaStride * lineBytes(info, p, width) / lineBytes(info, 0, width);
		stride = std::max(stride, lineBytes(info, p, width));
		if (stride > std::numeric_limits<uint32_t>::max())
			return Error(EOVERFLOW, "a stride of " + std::to_string(stride) +
							" bytes does not fit 32 bits");
		plane.stride = uint32_t(stride);
		plane.size = stride * info.planeHeight(p, lines);
		if (bufferPerPlane) {
			plane.buffer = p;
			plane.offset = 0;
		} else {
			plane.offset = alignUp(offset, offsetAlign);
			offset = plane.offset + plane.size;
		}
	}

	for (unsigned b = 0; b < layout.buffers; b++) {
		if (alignUp(layout.bufferSize(b), sizeAlign) > std::numeric_limits<uint32_t>::max())
			return Error(EOVERFLOW, "a " + std::string(info.name) + " frame of " +
							std::to_string(width) + "x" +
							std::to_string(height) +
							" needs more than 4 GiB in one buffer");
	}
	return layout;
}

} /* namespace */

Result<Layout> computeLayout(uint32_t fourcc, uint32_t width, uint32_t height,
			     const Alignment &alignment, bool bufferPerPlane)
{
	const FormatInfo *info = formatFromDrm(fourcc);
	if (!info)
		return Error(EINVAL, "no layout for unknown format " + fourccToString(fourcc));
	if (Status dimensions = checkDimensions(width, height); !dimensions)
		return dimensions.error();

	/*
	 * Chroma strides follow the luma stride; aligning the luma stride to stride x hsub
	 * keeps three-plane chroma strides aligned too.
	 */
	uint32_t lumaAlign = alignment.stride;
	if (info->planes == 3)
		lumaAlign = strictest(lumaAlign, alignment.stride * info->hsub);
	uint64_t lumaStride = alignUp(lineBytes(*info, 0, width), lumaAlign);
	uint32_t lines = uint32_t(alignUp(height, alignment.height));
	return buildLayout(*info, width, height, lumaStride, lines, alignment.offset,
			   alignment.size, bufferPerPlane);
}

Result<Layout> layoutFromStride(uint32_t fourcc, uint32_t width, uint32_t height,
				uint32_t lumaStride, bool bufferPerPlane)
{
	const FormatInfo *info = formatFromDrm(fourcc);
	if (!info)
		return Error(EINVAL, "no layout for unknown format " + fourccToString(fourcc));
	if (Status dimensions = checkDimensions(width, height); !dimensions)
		return dimensions.error();
	if (lumaStride < lineBytes(*info, 0, width))
		return Error(EINVAL, std::string(info->name) + " stride " +
					     std::to_string(lumaStride) +
					     " is below the line length " +
					     std::to_string(lineBytes(*info, 0, width)));
	return buildLayout(*info, width, height, lumaStride, height, 1, 1, bufferPerPlane);
}

std::string Rect::describe() const
{
	return std::to_string(width) + "x" + std::to_string(height) + " at " + std::to_string(x) +
	       "," + std::to_string(y);
}

Result<Layout> regionOf(const Layout &layout, const Rect &rect)
{
	const FormatInfo *info = layout.format();
	if (!info || info->planes != 1 || layout.planeCount != 1)
		return Error(EINVAL, "a region of " + layout.describe() +
					     ": only formats of one plane have one");
	if (rect.empty() || rect.x < 0 || rect.y < 0 ||
	    uint64_t(rect.x) + rect.width > layout.width ||
	    uint64_t(rect.y) + rect.height > layout.height)
		return Error(EINVAL, "the region " + rect.describe() + " is not inside " +
					     layout.describe());
	Layout region = layout;
	PlaneLayout &plane = region.planes[0];
	unsigned bpp = info->bytesPerPixel[0];
	plane.offset += uint64_t(rect.y) * plane.stride + uint64_t(rect.x) * bpp;
	/* Whole lines, as every layout has: the last one may not reach past the frame's end. */
	plane.size = uint64_t(plane.stride) * rect.height;
	if (plane.offset + plane.size > layout.planes[0].offset + layout.planes[0].size)
		return Error(EINVAL, "the region " + rect.describe() + " of " + layout.describe() +
					     " reaches past the frame's last line");
	region.width = rect.width;
	region.height = rect.height;
	return region;
}

} /* namespace dmabridge */
