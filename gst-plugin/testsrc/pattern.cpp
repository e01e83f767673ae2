/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pattern.h"

#include <array>

#include <drm_fourcc.h>

namespace dmabridge::gst {

namespace {

struct Colour
{
	uint8_t r, g, b;
};

constexpr std::array<Colour, 8> kBars = { {
	{ 192, 192, 192 },
	{ 192, 192, 0 },
	{ 0, 192, 192 },
	{ 0, 192, 0 },
	{ 192, 0, 192 },
	{ 192, 0, 0 },
	{ 0, 0, 192 },
	{ 0, 0, 0 },
} };
constexpr Colour kBox = { 128, 128, 128 };

struct Yuv
{
	uint8_t y, u, v;
};

/* BT.601 limited range, as the GPU converter's default reads it back. */
Yuv toYuv(Colour c)
{
	auto clamp = [](int x) { return uint8_t(x < 0 ? 0 : x > 255 ? 255 : x); };
	int y = (66 * c.r + 129 * c.g + 25 * c.b + 128) / 256 + 16;
	int u = (-38 * c.r - 74 * c.g + 112 * c.b + 128) / 256 + 128;
	int v = (112 * c.r - 94 * c.g - 18 * c.b + 128) / 256 + 128;
	return { clamp(y), clamp(u), clamp(v) };
}

Colour colourAt(const Layout &layout, uint32_t x, uint32_t y, uint64_t frame)
{
	uint32_t size = std::max(layout.height / 8, 2u);
	uint32_t boxX =
		uint32_t(frame * 8 % std::max(layout.width - std::min(size, layout.width), 1u));
	uint32_t boxY = layout.height / 2 - std::min(size, layout.height) / 2;
	if (x >= boxX && x < boxX + size && y >= boxY && y < boxY + size)
		return kBox;
	return kBars[uint64_t(x) * kBars.size() / layout.width];
}

} /* namespace */

bool canDrawPattern(uint32_t fourcc)
{
	switch (fourcc) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
	case DRM_FORMAT_RGB565:
	case DRM_FORMAT_NV12:
	case DRM_FORMAT_YUYV:
		return true;
	}
	return false;
}

void drawPattern(std::span<uint8_t> frame, const Layout &layout, uint64_t frameNumber)
{
	const PlaneLayout &p0 = layout.planes[0];
	for (uint32_t y = 0; y < layout.height; y++) {
		uint8_t *line = frame.data() + p0.offset + uint64_t(y) * p0.stride;
		for (uint32_t x = 0; x < layout.width; x++) {
			Colour c = colourAt(layout, x, y, frameNumber);
			switch (layout.fourcc) {
			case DRM_FORMAT_XRGB8888:
			case DRM_FORMAT_ARGB8888: /* B, G, R, A in memory */
				line[4 * x + 0] = c.b, line[4 * x + 1] = c.g, line[4 * x + 2] = c.r;
				line[4 * x + 3] = 0xff;
				break;
			case DRM_FORMAT_XBGR8888:
			case DRM_FORMAT_ABGR8888: /* R, G, B, A in memory */
				line[4 * x + 0] = c.r, line[4 * x + 1] = c.g, line[4 * x + 2] = c.b;
				line[4 * x + 3] = 0xff;
				break;
			case DRM_FORMAT_RGB565: {
				uint16_t v =
					uint16_t((c.r >> 3) << 11 | (c.g >> 2) << 5 | c.b >> 3);
				line[2 * x + 0] = uint8_t(v), line[2 * x + 1] = uint8_t(v >> 8);
				break;
			}
			case DRM_FORMAT_NV12:
				line[x] = toYuv(c).y;
				break;
			case DRM_FORMAT_YUYV: {
				Yuv yuv = toYuv(c);
				line[2 * x] = yuv.y;
				line[2 * x + 1] = x % 2 ? yuv.v : yuv.u;
				break;
			}
			}
		}
	}
	if (layout.fourcc != DRM_FORMAT_NV12)
		return;
	/* Chroma: one CbCr pair per 2x2 block, from its top-left pixel. */
	const PlaneLayout &p1 = layout.planes[1];
	for (uint32_t y = 0; y < (layout.height + 1) / 2; y++) {
		uint8_t *line = frame.data() + p1.offset + uint64_t(y) * p1.stride;
		for (uint32_t x = 0; x < (layout.width + 1) / 2; x++) {
			Yuv yuv = toYuv(colourAt(layout, 2 * x, 2 * y, frameNumber));
			line[2 * x] = yuv.u;
			line[2 * x + 1] = yuv.v;
		}
	}
}

} /* namespace dmabridge::gst */
