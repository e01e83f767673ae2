/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string_view>

#include <dmabridge/constraints.h>

namespace dmabridge {

/*
 * Known drivers whose constraints no UAPI reveals (DMA masks, IOMMU on boards where sysfs
 * can't be read, GL drivers that accept imports they can't use). The table is data, in
 * lib/src/plan/quirk_table.cpp, each entry with its source. Returns how many applied.
 */
unsigned applyQuirks(DeviceConstraints &device);

} /* namespace dmabridge */
