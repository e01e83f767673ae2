/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include <dmabridge/constraints.h>

namespace dmabridge::internal {

/*
 * A path under sysfs: /sys/<relative>, or under DMABRIDGE_SYSFS_ROOT when it is set, so
 * that trees in the shape of other boards (tests/unit/sysfs) are read by the same code.
 */
std::string sysfsPath(const std::string &relative);

/*
 * Whether the device at a sysfs device directory sits behind an IOMMU that translates:
 * an iommu_group link whose group type is not "identity". A device without one whose
 * device-tree node lists "ports" (a virtual display-subsystem made of components, as on
 * RK3399 and i.MX8) is behind an IOMMU when each component is. The source names what was
 * read.
 */
Derived<bool> iommuOf(const std::string &sysfsDevice);

/* The name a V4L2 node's driver gives it (/sys/class/video4linux/<node>/name); "" if none. */
std::string v4l2NodeName(const std::string &node);

/* The device directory behind a class node: <sysfs>/class/<cls>/<node>/device, resolved. */
std::string sysfsDeviceOf(const std::string &cls, const std::string &node);

} /* namespace dmabridge::internal */
