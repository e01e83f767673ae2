/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <set>

#include <drm_fourcc.h>

#include <dmabridge/frame_copy.h>

namespace dmabridge {

namespace {

/* Where red, green and blue lie in a pixel of an 8-bit RGB format (DRM is little-endian:
 * XRGB8888 is B, G, R, X in memory; RGB888 is B, G, R; BGR888 is R, G, B). */
struct RgbBytes
{
	uint32_t fourcc;
	uint8_t red, green, blue;
};

constexpr RgbBytes kRgbBytes[] = {
	{ DRM_FORMAT_XRGB8888, 2, 1, 0 }, { DRM_FORMAT_ARGB8888, 2, 1, 0 },
	{ DRM_FORMAT_XBGR8888, 0, 1, 2 }, { DRM_FORMAT_ABGR8888, 0, 1, 2 },
	{ DRM_FORMAT_RGB888, 2, 1, 0 },   { DRM_FORMAT_BGR888, 0, 1, 2 },
};

const RgbBytes *rgbBytes(uint32_t fourcc)
{
	for (const RgbBytes &entry : kRgbBytes)
		if (entry.fourcc == fourcc)
			return &entry;
	return nullptr;
}

/* 24-bit RGB to XRGB8888. */
bool widens(uint32_t from, uint32_t to)
{
	return (from == DRM_FORMAT_RGB888 || from == DRM_FORMAT_BGR888) &&
	       to == DRM_FORMAT_XRGB8888;
}

} /* namespace */

bool canCopyPixels(uint32_t from, uint32_t to)
{
	return (from == to && formatFromDrm(from)) || widens(from, to);
}

Result<uint64_t> copyPixels(std::span<const uint8_t> source, const Layout &from,
			    std::span<uint8_t> destination, const Layout &to)
{
	if (!canCopyPixels(from.fourcc, to.fourcc))
		return Error(EINVAL,
			     "no CPU copy from " + from.describe() + " to " + to.describe());
	const FormatInfo *in = from.format(), *out = to.format();
	bool resized = from.width != to.width || from.height != to.height;
	if (resized && out->yuv)
		return Error(EINVAL,
			     "padding or cropping is done for RGB only, not " + to.describe());
	if (from.buffers > 1 || to.buffers > 1)
		return Error(EINVAL, "copies of frames with a buffer per plane are not supported");
	if (Status valid = from.validate(std::array<uint64_t, 1>{ source.size() }); !valid)
		return valid.error();
	if (Status valid = to.validate(std::array<uint64_t, 1>{ destination.size() }); !valid)
		return valid.error();

	bool widen = widens(from.fourcc, to.fourcc);
	const RgbBytes *rgb = rgbBytes(from.fourcc);
	uint64_t bytes = 0;
	for (unsigned p = 0; p < from.planeCount; p++) {
		uint32_t lines =
			std::min(in->planeHeight(p, from.height), out->planeHeight(p, to.height));
		uint32_t width =
			std::min(in->planeWidth(p, from.width), out->planeWidth(p, to.width));
		uint32_t outBytes = out->planeWidth(p, to.width) * out->bytesPerPixel[p];
		uint32_t used = width * out->bytesPerPixel[p];
		for (uint32_t y = 0; y < out->planeHeight(p, to.height); y++) {
			uint8_t *line = destination.data() + to.planes[p].offset +
					uint64_t(y) * to.planes[p].stride;
			if (y >= lines) {
				std::memset(line, 0, outBytes); /* black below a shorter frame */
				continue;
			}
			const uint8_t *src = source.data() + from.planes[p].offset +
					     uint64_t(y) * from.planes[p].stride;
			if (widen) {
				for (uint32_t x = 0; x < width; x++) {
					line[4 * x + 0] = src[3 * x + rgb->blue];
					line[4 * x + 1] = src[3 * x + rgb->green];
					line[4 * x + 2] = src[3 * x + rgb->red];
					line[4 * x + 3] = 0xff;
				}
			} else {
				std::memcpy(line, src, used);
			}
			if (used < outBytes)
				std::memset(line + used, 0, outBytes - used); /* black beside */
		}
		bytes += uint64_t(width) * in->bytesPerPixel[p] * lines;
	}
	return bytes;
}

namespace {

/* A pixel's colour as 8-bit R, G, B: RGB565 widened as displays widen it (c * 255 / max). */
std::array<int, 3> rgbAt(const uint8_t *pixel, uint32_t fourcc)
{
	if (fourcc == DRM_FORMAT_RGB565) {
		unsigned value = pixel[0] | pixel[1] << 8;
		auto widen = [](unsigned c, unsigned max) {
			return int((c * 255 + max / 2) / max);
		};
		return { widen(value >> 11, 31), widen((value >> 5) & 0x3f, 63),
			 widen(value & 0x1f, 31) };
	}
	const RgbBytes *order = rgbBytes(fourcc);
	return { pixel[order->red], pixel[order->green], pixel[order->blue] };
}

/* Formats whose pixels rgbAt() reads. */
bool comparable(uint32_t fourcc)
{
	return fourcc == DRM_FORMAT_RGB565 || rgbBytes(fourcc);
}

} /* namespace */

uint64_t differingPixels(std::span<const uint8_t> a, const Layout &la, std::span<const uint8_t> b,
			 const Layout &lb)
{
	const FormatInfo *infoA = la.format(), *infoB = lb.format();
	bool sameFormat = la.fourcc == lb.fourcc && infoA && !infoA->yuv;
	bool converted = !sameFormat && comparable(la.fourcc) && comparable(lb.fourcc);
	if ((!sameFormat && !converted) || la.width != lb.width || la.height != lb.height ||
	    a.size() < la.bufferSize(0) || b.size() < lb.bufferSize(0))
		return UINT64_MAX;
	/* A display widens RGB565 for its writeback and may round by one step. */
	int tolerance = la.fourcc == DRM_FORMAT_RGB565 || lb.fourcc == DRM_FORMAT_RGB565;
	unsigned bppA = infoA->bytesPerPixel[0], bppB = infoB->bytesPerPixel[0];
	unsigned colour = bppA == 4 ? 3 : bppA;
	uint64_t differing = 0;
	for (uint32_t y = 0; y < la.height; y++) {
		const uint8_t *lineA =
			a.data() + la.planes[0].offset + uint64_t(y) * la.planes[0].stride;
		const uint8_t *lineB =
			b.data() + lb.planes[0].offset + uint64_t(y) * lb.planes[0].stride;
		for (uint32_t x = 0; x < la.width; x++) {
			const uint8_t *pa = lineA + bppA * x, *pb = lineB + bppB * x;
			if (sameFormat) {
				differing += std::memcmp(pa, pb, colour) != 0;
				continue;
			}
			std::array<int, 3> ca = rgbAt(pa, la.fourcc), cb = rgbAt(pb, lb.fourcc);
			differing += std::abs(ca[0] - cb[0]) > tolerance ||
				     std::abs(ca[1] - cb[1]) > tolerance ||
				     std::abs(ca[2] - cb[2]) > tolerance;
		}
	}
	return differing;
}

uint64_t distinctColours(std::span<const uint8_t> frame, const Layout &layout)
{
	const FormatInfo *info = layout.format();
	if (!info || info->yuv || frame.size() < layout.bufferSize(0))
		return 0;
	unsigned bpp = info->bytesPerPixel[0], compared = bpp == 4 ? 3 : bpp;
	std::set<uint32_t> colours;
	for (uint32_t y = 0; y < layout.height; y += 16) {
		const uint8_t *line = frame.data() + layout.planes[0].offset +
				      uint64_t(y) * layout.planes[0].stride;
		for (uint32_t x = 0; x < layout.width; x++) {
			uint32_t colour = 0;
			std::memcpy(&colour, line + bpp * x, compared);
			colours.insert(colour);
		}
	}
	return colours.size();
}

uint64_t pixelsNotBlackOutside(std::span<const uint8_t> frame, const Layout &layout,
			       const Rect &rect)
{
	if (!comparable(layout.fourcc) || frame.size() < layout.bufferSize(0))
		return UINT64_MAX;
	unsigned bpp = layout.format()->bytesPerPixel[0];
	auto inside = [&](uint32_t x, uint32_t y) {
		return int64_t(x) >= rect.x && int64_t(x) < int64_t(rect.x) + rect.width &&
		       int64_t(y) >= rect.y && int64_t(y) < int64_t(rect.y) + rect.height;
	};
	uint64_t lit = 0;
	for (uint32_t y = 0; y < layout.height; y++) {
		const uint8_t *line = frame.data() + layout.planes[0].offset +
				      uint64_t(y) * layout.planes[0].stride;
		for (uint32_t x = 0; x < layout.width; x++) {
			if (inside(x, y))
				continue;
			std::array<int, 3> colour = rgbAt(line + bpp * x, layout.fourcc);
			lit += colour[0] || colour[1] || colour[2];
		}
	}
	return lit;
}

} /* namespace dmabridge */
