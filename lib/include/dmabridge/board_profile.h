/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <dmabridge/constraints.h>
#include <dmabridge/error.h>
#include <dmabridge/heap.h>
#include <dmabridge/inventory.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/* One device of a board, under the id the profile gives it ("unicam", "vc4-plane"). */
struct BoardDevice
{
	std::string id;
	DeviceConstraints constraints;
};

/*
 * The devices and heaps of a real board, as the planner would probe them there: what a
 * developer without the board plans against. Read from a text file (tools/boards/):
 *
 *   board rpi4
 *   title Raspberry Pi 4 Model B
 *   page-size 4K ; arch/arm64/configs/bcm2711_defconfig: 4 KiB pages
 *   heap linux,cma
 *     contiguous yes ; arch/arm/boot/dts/broadcom/bcm2711-rpi.dtsi: the CMA pool
 *     size 508M ; overlays/vc4-kms-v3d-pi4-overlay.dts: the CMA area's size
 *   device unicam
 *     role V4L2 capture
 *     driver unicam
 *     formats YUYV UYVY NV12
 *     modifiers NV12 LINEAR BROADCOM_SAND128 ; where the driver lists them
 *     contiguous yes ; bcm2835-unicam.c queues with vb2_dma_contig_memops
 *
 * Indented lines describe the heap or device above them. page-size is the page size of
 * the board's kernel (without it, that of the machine planning). Every constraint
 * (page-size, a heap's size, modifiers, contiguous, iommu, address-limit, coherent,
 * exports-contiguous, memory-only-from, *-align) must cite its source after a ';': a
 * profile is only as good as the facts it can show. A format without a 'modifiers' line
 * is taken linear only; a format the library's table lacks is given as its fourcc in hex
 * (0x38345258 for XR48); modifiers are named as in drm_fourcc.h without DRM_FORMAT_MOD_
 * (lib/src/buffer/modifier_table.cpp) or given in hex. usable-memory lists the kinds of
 * memory a device's driver was found to use (system-heap, cma-heap, udmabuf, own-dumb,
 * v4l2-export, or none), all without such a line.
 */
struct BoardProfile
{
	std::string id;
	std::string title;
	uint32_t pageSize = 0; /* bytes; 0: not given */
	std::string pageSizeSource;
	std::vector<HeapInfo> heaps;
	std::vector<BoardDevice> devices;

	/* The device with that id; ENOENT listing the ids there are. */
	Result<DeviceConstraints> device(std::string_view id) const;

	/* Parses a profile's text; errors say where ("rpi4.board:12: ...") and what. */
	static Result<BoardProfile> parse(std::string_view text, const std::string &origin);
	static Result<BoardProfile> load(const std::string &path);
};

/*
 * This machine's devices as the inventory probed them, as a profile: one device for each
 * queue, plane or sampler that takes formats (a codec's coded queue has none), named by
 * its device's name (made unique with its node and role), each fact with the probe's
 * source; the usable heaps; this machine's page size.
 */
BoardProfile boardProfileOf(const Inventory &inventory, const std::string &id,
			    const std::string &title);
/* A profile as text that parse() reads back to the same facts. */
std::string boardProfileText(const BoardProfile &profile);

/*
 * A profile by id ("rpi4") or path: looked up in $DMABRIDGE_BOARDS, then in the profiles
 * installed with the library (share/dmabridge/boards beside its libdir; in the build tree,
 * the build's copy of tools/boards). ENOENT names the profiles there are.
 */
Result<BoardProfile> findBoardProfile(const std::string &idOrPath);
/* The ids of the profiles findBoardProfile() can find, sorted. */
std::vector<std::string> boardProfileIds();

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
