/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <span>

#include <dmabridge/error.h>
#include <dmabridge/layout.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/* Whether copyPixels() can turn frames of format from into frames of format to. */
bool canCopyPixels(uint32_t from, uint32_t to);

/*
 * The one CPU copy, for when a copy can't be avoided: pixels of a mapped frame into
 * another, line by line with each side's strides; the same format, or 24-bit RGB widened
 * to XRGB8888. An RGB destination larger than the source is padded with black, a smaller
 * one crops. Returns the bytes read from the source. Map both inside CpuAccess scopes.
 */
Result<uint64_t> copyPixels(std::span<const uint8_t> source, const Layout &from,
			    std::span<uint8_t> destination, const Layout &to);

/*
 * Pixels of two mapped RGB frames of one size that differ in colour (alpha and X
 * ignored); UINT64_MAX when they can't be compared. How a test or an application proves
 * that a display (read back through writeback) showed a frame. Frames of one format
 * compare byte for byte; 8-bit RGB of two byte orders (ABGR8888 shown, XRGB8888 read
 * back) channel by channel; RGB565 against 8-bit RGB (what a display's writeback gives of
 * an RGB565 frame) with the colours widened to 8 bits, allowing a rounding of one step.
 */
uint64_t differingPixels(std::span<const uint8_t> a, const Layout &la, std::span<const uint8_t> b,
			 const Layout &lb);

/*
 * Distinct colours on every 16th line of a mapped RGB frame (alpha and X ignored); 0 when
 * it can't be read. A blank frame has one: a writeback equal to a blank frame proves
 * nothing, so a comparison checks this too.
 */
uint64_t distinctColours(std::span<const uint8_t> frame, const Layout &layout);

/*
 * Pixels of a mapped RGB frame outside rect that are not black (alpha and X ignored);
 * UINT64_MAX when it can't be read. What a display showed around a frame it placed on
 * part of the screen: nothing, when the planes under it show black.
 */
uint64_t pixelsNotBlackOutside(std::span<const uint8_t> frame, const Layout &layout,
			       const Rect &rect);

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
