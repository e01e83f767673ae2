/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one table of pixel formats. DRM fourccs are little-endian: DRM XRGB8888 is B,G,R,X
 * in memory, which V4L2 calls XBGR32 and GStreamer BGRx. Multi-planar V4L2 variants
 * (NV12M...) put each plane in a buffer of its own.
 *
 * The order is the order of preference when a source may offer several: 32-bit RGB first
 * (what display planes scan out everywhere), then 16/24-bit RGB, then YUV.
 */
#include <array>

#include <drm_fourcc.h>
#include <linux/videodev2.h>

#include <dmabridge/format.h>

namespace dmabridge {

namespace {

// clang-format off
constexpr std::array kFormats = {
	/* name, DRM, V4L2, V4L2 multi-planar, GStreamer, planes, bpp, hsub, vsub, yuv */
	FormatInfo{ "XRGB8888", DRM_FORMAT_XRGB8888, V4L2_PIX_FMT_XBGR32, 0, "BGRx", 1, { 4 }, 1, 1, false },
	FormatInfo{ "ARGB8888", DRM_FORMAT_ARGB8888, V4L2_PIX_FMT_ABGR32, 0, "BGRA", 1, { 4 }, 1, 1, false },
	FormatInfo{ "XBGR8888", DRM_FORMAT_XBGR8888, V4L2_PIX_FMT_RGBX32, 0, "RGBx", 1, { 4 }, 1, 1, false },
	FormatInfo{ "ABGR8888", DRM_FORMAT_ABGR8888, V4L2_PIX_FMT_RGBA32, 0, "RGBA", 1, { 4 }, 1, 1, false },
	FormatInfo{ "RGB565", DRM_FORMAT_RGB565, V4L2_PIX_FMT_RGB565, 0, "RGB16", 1, { 2 }, 1, 1, false },
	FormatInfo{ "RGB888", DRM_FORMAT_RGB888, V4L2_PIX_FMT_BGR24, 0, "BGR", 1, { 3 }, 1, 1, false },
	FormatInfo{ "BGR888", DRM_FORMAT_BGR888, V4L2_PIX_FMT_RGB24, 0, "RGB", 1, { 3 }, 1, 1, false },
	FormatInfo{ "NV12", DRM_FORMAT_NV12, V4L2_PIX_FMT_NV12, V4L2_PIX_FMT_NV12M, "NV12", 2, { 1, 2 }, 2, 2, true },
	FormatInfo{ "NV21", DRM_FORMAT_NV21, V4L2_PIX_FMT_NV21, V4L2_PIX_FMT_NV21M, "NV21", 2, { 1, 2 }, 2, 2, true },
	FormatInfo{ "NV16", DRM_FORMAT_NV16, V4L2_PIX_FMT_NV16, V4L2_PIX_FMT_NV16M, "NV16", 2, { 1, 2 }, 2, 1, true },
	FormatInfo{ "YUYV", DRM_FORMAT_YUYV, V4L2_PIX_FMT_YUYV, 0, "YUY2", 1, { 2 }, 1, 1, true },
	FormatInfo{ "UYVY", DRM_FORMAT_UYVY, V4L2_PIX_FMT_UYVY, 0, "UYVY", 1, { 2 }, 1, 1, true },
	FormatInfo{ "YUV420", DRM_FORMAT_YUV420, V4L2_PIX_FMT_YUV420, V4L2_PIX_FMT_YUV420M, "I420", 3, { 1, 1, 1 }, 2, 2, true },
	FormatInfo{ "YVU420", DRM_FORMAT_YVU420, V4L2_PIX_FMT_YVU420, V4L2_PIX_FMT_YVU420M, "YV12", 3, { 1, 1, 1 }, 2, 2, true },
};
// clang-format on

template<typename Match>
const FormatInfo *findFormat(Match match)
{
	for (const FormatInfo &format : kFormats)
		if (match(format))
			return &format;
	return nullptr;
}

} /* namespace */

uint32_t FormatInfo::planeWidth(unsigned plane, uint32_t width) const
{
	return plane == 0 ? width : (width + hsub - 1) / hsub;
}

uint32_t FormatInfo::planeHeight(unsigned plane, uint32_t height) const
{
	return plane == 0 ? height : (height + vsub - 1) / vsub;
}

std::span<const FormatInfo> formats()
{
	return kFormats;
}

const FormatInfo *formatFromDrm(uint32_t fourcc)
{
	return findFormat([=](const FormatInfo &f) { return f.drm == fourcc; });
}

const FormatInfo *formatFromV4l2(uint32_t pixelformat, bool *multiPlanar)
{
	/*
	 * V4L2's deprecated BGR32 has XBGR32's bytes (B, G, R, then alpha or padding); codecs
	 * such as vicodec still pick it first for 32-bit RGB streams.
	 */
	if (pixelformat == V4L2_PIX_FMT_BGR32)
		pixelformat = V4L2_PIX_FMT_XBGR32;
	const FormatInfo *format = findFormat([=](const FormatInfo &f) {
		return pixelformat && (f.v4l2 == pixelformat || f.v4l2Multi == pixelformat);
	});
	if (format && multiPlanar)
		*multiPlanar = format->v4l2Multi == pixelformat;
	return format;
}

const FormatInfo *formatFromGst(std::string_view name)
{
	return findFormat([=](const FormatInfo &f) { return !name.empty() && f.gst == name; });
}

const FormatInfo *formatFromName(std::string_view name)
{
	return findFormat([=](const FormatInfo &f) {
		return f.name == name || fourccToString(f.drm) == name || f.gst == name;
	});
}

std::string fourccToString(uint32_t fourcc)
{
	std::string text(4, '?');
	for (unsigned i = 0; i < 4; i++) {
		char c = char((fourcc >> (8 * i)) & 0xff);
		if (c >= 0x20 && c < 0x7f)
			text[i] = c;
	}
	return text;
}

std::string formatName(uint32_t fourcc)
{
	const FormatInfo *info = formatFromDrm(fourcc);
	return info ? std::string(info->name) : fourccToString(fourcc);
}

} /* namespace dmabridge */
