/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include <dmabridge/constraints.h>

namespace dmabridge::internal {

/*
 * Whether the device at a sysfs device directory sits behind an IOMMU that translates:
 * an iommu_group link whose group type is not "identity". The source names what was read.
 */
Derived<bool> iommuOf(const std::string &sysfsDevice);

/* The device directory behind a class node: /sys/class/<cls>/<node>/device, resolved. */
std::string sysfsDeviceOf(const std::string &cls, const std::string &node);

} /* namespace dmabridge::internal */
