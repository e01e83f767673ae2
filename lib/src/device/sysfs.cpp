/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sysfs.h"

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace dmabridge::internal {

Derived<bool> iommuOf(const std::string &sysfsDevice)
{
	std::error_code ec;
	fs::path link = fs::path(sysfsDevice) / "iommu_group";
	if (sysfsDevice.empty() || !fs::exists(link, ec))
		return { false,
			 "sysfs: no iommu_group for " +
				 (sysfsDevice.empty() ? std::string("the device") : sysfsDevice) };

	fs::path group = fs::canonical(link, ec);
	std::string type;
	std::ifstream(group / "type") >> type;
	std::string name = group.filename().string();
	if (type == "identity")
		return { false,
			 "sysfs: iommu_group " + name + " is of type identity (no translation)" };
	return { true,
		 "sysfs: iommu_group " + name + (type.empty() ? "" : " (type " + type + ")") };
}

std::string sysfsDeviceOf(const std::string &cls, const std::string &node)
{
	std::error_code ec;
	fs::path device = fs::path("/sys/class") / cls / fs::path(node).filename() / "device";
	fs::path resolved = fs::canonical(device, ec);
	return ec ? std::string() : resolved.string();
}

} /* namespace dmabridge::internal */
