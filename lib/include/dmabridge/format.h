/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * One pixel format under its three names: DRM fourcc, V4L2 pixel format (single-buffer
 * and, where one exists, the multi-planar variant with one buffer per plane) and
 * GStreamer video format. The table lives in lib/src/buffer/format_table.cpp.
 */
struct FormatInfo
{
	std::string_view name;    /* what people call it: "NV12", "XRGB8888" */
	uint32_t drm;             /* DRM_FORMAT_* */
	uint32_t v4l2;            /* V4L2_PIX_FMT_*, all planes in one buffer; 0 if none */
	uint32_t v4l2Multi;       /* V4L2_PIX_FMT_*M, one buffer per plane; 0 if none */
	std::string_view gst;     /* GstVideoFormat name: "NV12", "BGRx"; empty if none */
	uint8_t planes;           /* 1 to 3 */
	uint8_t bytesPerPixel[3]; /* per plane, per sample of that plane */
	uint8_t hsub;             /* horizontal chroma subsampling of planes 1 and 2 */
	uint8_t vsub;             /* vertical chroma subsampling of planes 1 and 2 */
	bool yuv;

	uint32_t planeWidth(unsigned plane, uint32_t width) const;
	uint32_t planeHeight(unsigned plane, uint32_t height) const;
};

/* Every format, in order of preference (32-bit RGB first, then other RGB, then YUV). */
std::span<const FormatInfo> formats();
const FormatInfo *formatFromDrm(uint32_t fourcc);
/* Either V4L2 variant; multiPlanar says which one matched. */
const FormatInfo *formatFromV4l2(uint32_t pixelformat, bool *multiPlanar = nullptr);
const FormatInfo *formatFromGst(std::string_view name);
/* By name, DRM fourcc text ("NV12", "XR24") or GStreamer name, case-sensitive. */
const FormatInfo *formatFromName(std::string_view name);

/* "XR24" for DRM_FORMAT_XRGB8888; non-printable bytes as '?'. */
std::string fourccToString(uint32_t fourcc);
/* What people call it: "XRGB8888"; the fourcc's text for a format the table lacks. */
std::string formatName(uint32_t fourcc);

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
