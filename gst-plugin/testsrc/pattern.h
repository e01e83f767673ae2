/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test patterns drawn by the CPU into a mapped frame of any layout the writer knows. */
#pragma once

#include <cstdint>
#include <span>

#include <dmabridge/layout.h>

namespace dmabridge::gst {

/* Whether drawPattern() can write this format. */
bool canDrawPattern(uint32_t fourcc);

/*
 * Eight colour bars (white, yellow, cyan, green, magenta, red, blue, black) and a grey
 * box that moves one step per frame, so consecutive frames differ.
 */
void drawPattern(std::span<uint8_t> frame, const Layout &layout, uint64_t frameNumber);

} /* namespace dmabridge::gst */
