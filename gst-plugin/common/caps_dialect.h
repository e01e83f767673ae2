/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Raw video caps in the form the running GStreamer speaks. The only code that knows
 * GStreamer 1.22's dma-buf caps from those of 1.24 and later:
 *
 *   1.22:   video/x-raw(memory:DMABuf), format=BGRx, ...          (linear layouts only)
 *   1.24+:  video/x-raw(memory:DMABuf), format=DMA_DRM, drm-format=XR24, ...
 *           drm-format=FOURCC:0xMODIFIER for any layout but linear
 *
 * System-memory caps (video/x-raw, format=BGRx) are the same in both, and carry linear
 * layouts only. The difference is data (CapsDialect), chosen by the GStreamer version
 * the process runs, so elements never branch on versions.
 */
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <gst/gst.h>
#include <gst/video/video.h>

#include <dmabridge/constraints.h>
#include <dmabridge/error.h>

namespace dmabridge::gst {

/* How one GStreamer release puts dma-bufs in caps. */
struct CapsDialect
{
	unsigned minor;   /* the first GStreamer 1.x release it describes */
	bool dmaDrm;      /* dma-buf caps are format=DMA_DRM with drm-format */
	const char *name; /* the form, in words, for logs and dmabridge-info */
};

/* Every dialect, oldest first (the table lives in caps_dialect.cpp). */
std::span<const CapsDialect> capsDialects();
/* The dialect of GStreamer 1.minor. */
const CapsDialect &capsDialectFor(unsigned minor);
/* The dialect of the GStreamer this process runs. */
const CapsDialect &capsDialect();

/* A negotiated raw video stream in the library's terms. */
struct VideoCaps
{
	/* Format, size and rate; the strides and offsets of a linear layout. */
	GstVideoInfo info;
	uint32_t fourcc = 0;
	uint64_t modifier = kModifierLinear;
	bool dmabuf = false; /* memory:DMABuf */
};

/* Fixed raw video caps in either form; the error says what doesn't add up. */
Result<VideoCaps> parseVideoCaps(GstCaps *caps, const CapsDialect &dialect = capsDialect());

/* "XR24" for a linear layout, "NV12:0x0100000000000001" for another (DMA_DRM's drm-format). */
std::string drmFormatString(uint32_t fourcc, uint64_t modifier);
/* The reverse; nullopt for text that is not a drm-format. */
std::optional<std::pair<uint32_t, uint64_t>> parseDrmFormatString(const char *text);

/*
 * The formats one caps structure allows, with their modifiers (an empty list of modifiers
 * is linear), restricted to the library's format table; nullopt when the structure leaves
 * the format open (no format field, or DMA_DRM without drm-format).
 */
std::optional<std::vector<FormatModifiers>> formatsOf(const GstStructure *structure,
						      const GstCapsFeatures *features,
						      const CapsDialect &dialect = capsDialect());

/*
 * Appends to caps the raw video structures for formats (nullopt: any format) with the
 * other fields of shape (width, height, framerate...; its format fields are ignored):
 * the dma-buf form when dmabuf, the system-memory form (linear layouts only) when system,
 * in that order. Formats a form can't express are left out of it; a form left with none
 * is not appended.
 */
void appendRaw(GstCaps *caps, const std::optional<std::vector<FormatModifiers>> &formats,
	       const GstStructure *shape, bool dmabuf, bool system,
	       const CapsDialect &dialect = capsDialect());

/*
 * Fixes caps' first structure to fourcc in its own form: modifier where the structure
 * lists it, else the first modifier it lists for fourcc. Nothing changes when it doesn't
 * list fourcc.
 */
void fixateFormat(GstCaps *caps, uint32_t fourcc, uint64_t modifier,
		  const CapsDialect &dialect = capsDialect());

/*
 * dma-buf caps text for a linear fourcc in the dialect's form, followed by fields
 * (",width=640,height=480"): for pipelines written in code.
 */
std::string dmaBufCapsText(uint32_t fourcc, const std::string &fields,
			   const CapsDialect &dialect = capsDialect());

/* Whether caps' first structure is dma-buf memory. */
bool isDmaBufCaps(GstCaps *caps);

} /* namespace dmabridge::gst */
