/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * A compressed format a V4L2 codec reads or writes, under its V4L2 and GStreamer names.
 * The table lives in lib/src/buffer/coded_format_table.cpp; raw formats are in format.h.
 */
struct CodedFormat
{
	std::string_view name;      /* "FWHT", "H264" */
	uint32_t v4l2;              /* V4L2_PIX_FMT_* */
	std::string_view mediaType; /* GStreamer caps name: "video/x-fwht" */
	/* Fields the caps must carry, in GStreamer's caps syntax; empty when none. */
	std::string_view fields;
};

std::span<const CodedFormat> codedFormats();
const CodedFormat *codedFormatFromV4l2(uint32_t pixelformat);
/* By GStreamer media type ("video/x-h264") or name ("H264"). */
const CodedFormat *codedFormatFromName(std::string_view name);

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
