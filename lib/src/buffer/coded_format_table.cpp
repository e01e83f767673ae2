/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one table of compressed formats the m2m codecs are found by. The GStreamer fields
 * are what upstream's parsers output and the V4L2 stateful codecs take: H.264 and HEVC as
 * a byte stream cut at access units (the V4L2 stateful decoder interface asks for whole
 * access units per buffer on most drivers).
 */
#include <array>

#include <linux/videodev2.h>

#include <dmabridge/coded_format.h>

namespace dmabridge {

namespace {

// clang-format off
constexpr std::array kCodedFormats = {
	/* name, V4L2, GStreamer media type, fields */
	CodedFormat{ "FWHT", V4L2_PIX_FMT_FWHT, "video/x-fwht", "" },
	CodedFormat{ "H264", V4L2_PIX_FMT_H264, "video/x-h264", "stream-format=byte-stream,alignment=au" },
	CodedFormat{ "HEVC", V4L2_PIX_FMT_HEVC, "video/x-h265", "stream-format=byte-stream,alignment=au" },
	CodedFormat{ "VP8", V4L2_PIX_FMT_VP8, "video/x-vp8", "" },
	CodedFormat{ "VP9", V4L2_PIX_FMT_VP9, "video/x-vp9", "" },
	CodedFormat{ "MPEG2", V4L2_PIX_FMT_MPEG2, "video/mpeg", "mpegversion=2,systemstream=false" },
	CodedFormat{ "JPEG", V4L2_PIX_FMT_JPEG, "image/jpeg", "" },
};
// clang-format on

} /* namespace */

std::span<const CodedFormat> codedFormats()
{
	return kCodedFormats;
}

const CodedFormat *codedFormatFromV4l2(uint32_t pixelformat)
{
	for (const CodedFormat &format : kCodedFormats)
		if (format.v4l2 == pixelformat)
			return &format;
	return nullptr;
}

const CodedFormat *codedFormatFromName(std::string_view name)
{
	for (const CodedFormat &format : kCodedFormats)
		if (format.mediaType == name || format.name == name)
			return &format;
	return nullptr;
}

} /* namespace dmabridge */
