/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What QEMU itself shows of the arm64 board's virtio-gpu display (tools/vboard --iommu):
 * the picture its monitor's screendump takes, asked for through the board's share. It is
 * read on the host side of the virtual device, so it proves what the device scanned out,
 * not what the guest meant to show.
 */
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include <dmabridge/error.h>
#include <dmabridge/layout.h>

namespace dmabridge::test {

/* True inside tools/vboard run --iommu (its job sets VBOARD_IOMMU). */
bool boardHasIommu();

struct QemuPicture
{
	Layout layout;               /* XRGB8888, stride width * 4 */
	std::vector<uint8_t> pixels; /* in that layout */
};

/* QEMU's picture of the display now; an error names what went wrong (the monitor's words). */
Result<QemuPicture> qemuScreendump(std::chrono::seconds wait = std::chrono::seconds(60));

} /* namespace dmabridge::test */
