/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What device tests share: knowing whether they run on the virtual board, and finding
 * devices by name (never by /dev number: numbers follow probe order).
 */
#pragma once

#include <gtest/gtest.h>
#include <string>

namespace dmabridge::test {

/* True inside tools/vboard run (its init sets DMABRIDGE_BOARD). */
bool onVirtualBoard();

/* A device name as a GoogleTest name part: "vivid-001" becomes "vivid_001". */
std::string testName(std::string deviceName);

/* The /dev/videoN whose VIDIOC_QUERYCAP bus_info is busInfo ("platform:vivid-001"). */
std::string findVideoDevice(const std::string &busInfo);

/* The running kernel's release as major * 100 + minor: 601 for 6.1, 612 for 6.12. */
unsigned kernelRelease();

/*
 * Whether udmabuf gives importers a kernel mapping (dma_buf_ops.vmap), which vkms needs
 * to compose and vb2-vmalloc to capture: not in the Debian 12 board's Linux 6.1
 * (drivers/dma-buf/udmabuf.c has no vmap), yes in the Debian 13 board's 6.12
 * (vmap_udmabuf); upstream added it in 6.2.
 */
bool udmabufHasVmap();

/* The Debian release the tests run on (/etc/debian_version): 12 or 13 on the boards. */
unsigned debianRelease();

/*
 * Whether Mesa's software drivers import any dma-buf by mapping it: since Mesa 24.1 (MR
 * 27805), so on Debian 13 (Mesa 25.0.7), not on Debian 12 (Mesa 22.3.6, whose llvmpipe
 * crashes on the first access to memory not of its own DRM device), where neither does
 * its lavapipe offer VK_EXT_external_memory_dma_buf.
 */
bool mesaImportsAnyDmaBuf();

/*
 * Where the board's Vulkan driver can't import dma-bufs (!mesaImportsAnyDmaBuf()), the
 * Vulkan converter must fail to open (opened false) with an error naming the extension
 * it lacks.
 */
void expectVulkanImportMissing(bool opened, const std::string &error);

/*
 * What a plan says of the board's GPU driver's memory, as its probe found it: Mesa 22.3
 * uses only buffers of its own DRM device, Mesa 25 any memory.
 */
std::string gpuMemorySentence();

/*
 * Whether vkms's primary plane may show a rectangle smaller than the mode: not in Linux
 * 6.1 (vkms_plane_atomic_check positions only other planes, and "for now primary plane
 * must be visible and full screen"), yes in 6.12 (every plane positions). No vkms plane
 * scales in either (DRM_PLANE_NO_SCALING both ways).
 */
bool vkmsPrimaryPositions();

} /* namespace dmabridge::test */

/*
 * A device the test needs. On the virtual board it must be there, so its absence fails the
 * test; elsewhere the test skips and says why.
 */
#define DMABRIDGE_REQUIRE_DEVICE(present, what)                                                    \
	do {                                                                                       \
		if (!(present)) {                                                                  \
			if (dmabridge::test::onVirtualBoard())                                     \
				FAIL() << what << " is missing on the virtual board";              \
			else                                                                       \
				GTEST_SKIP() << what                                               \
					     << " not found: device tests run inside "             \
						"tools/vboard run (or on a machine with the "      \
						"device)";                                         \
		}                                                                                  \
	} while (0)
