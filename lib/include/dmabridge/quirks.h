/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string_view>

#include <dmabridge/constraints.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * Known drivers whose constraints no UAPI reveals (DMA masks, IOMMU on boards where sysfs
 * can't be read, GL drivers that accept imports they can't use). The table is data, in
 * lib/src/plan/quirk_table.cpp, each entry with its source. Returns how many applied.
 */
unsigned applyQuirks(DeviceConstraints &device);

/*
 * For tests of the re-planning only: DMABRIDGE_ASSUME_SCATTER_GATHER lists device names
 * (comma-separated) whose probe is overridden to say they take scattered pages. A device
 * that really needs contiguous memory (vivid-001, on vb2-dma-contig without an IOMMU) then
 * gets scattered buffers planned, the kernel refuses them for the real reason (EFAULT),
 * and the planner has to learn. Returns whether the device was overridden.
 */
bool applyScatterGatherOverride(DeviceConstraints &device);

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
