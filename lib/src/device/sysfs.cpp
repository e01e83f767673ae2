/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sysfs.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "../internal/directory.h"
#include "kernel_text.h"

namespace fs = std::filesystem;

namespace dmabridge::internal {

namespace {

/* A device's own iommu_group, as sysfs shows it. */
struct Group
{
	bool present = false;
	bool translates = false;
	std::string name; /* "3" */
	std::string type; /* "DMA", "identity"; empty when not readable */
	std::string text() const
	{
		return "iommu_group " + name + (type.empty() ? "" : " (type " + type + ")");
	}
};

Group groupOf(const fs::path &device)
{
	std::error_code ec;
	fs::path link = device / "iommu_group";
	if (!fs::exists(link, ec))
		return {};
	fs::path group = fs::canonical(link, ec);
	std::string type;
	if (!ec)
		std::ifstream(group / "type") >> type;
	return { true, type != "identity", group.filename().string(), type };
}

/* A device-tree property of big-endian 32-bit cells (phandles). */
std::vector<uint32_t> cells(const fs::path &property)
{
	std::ifstream file(property, std::ios::binary);
	std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(file)),
					 std::istreambuf_iterator<char>());
	std::vector<uint32_t> values;
	for (size_t i = 0; i + 4 <= bytes.size(); i += 4)
		values.push_back(uint32_t(bytes[i]) << 24 | uint32_t(bytes[i + 1]) << 16 |
				 uint32_t(bytes[i + 2]) << 8 | bytes[i + 3]);
	return values;
}

/* The device-tree node whose phandle is wanted, under base; empty when none is. */
fs::path nodeWithPhandle(const fs::path &base, uint32_t wanted)
{
	std::error_code ec;
	fs::recursive_directory_iterator it(base, ec), end; /* increment(ec): never throws */
	for (; !ec && it != end; it.increment(ec)) {
		if (it->path().filename() != "phandle")
			continue;
		std::vector<uint32_t> value = cells(it->path());
		if (value.size() == 1 && value[0] == wanted)
			return it->path().parent_path();
	}
	return {};
}

/* The platform device a device-tree node (or the nearest node above it) belongs to. */
fs::path deviceOfNode(fs::path node)
{
	std::error_code ec;
	fs::path devices = sysfsPath("bus/platform/devices");
	for (; !node.empty() && node != node.root_path(); node = node.parent_path()) {
		fs::path found;
		forEachEntry(devices, [&](const fs::directory_entry &entry) {
			fs::path ofNode = fs::canonical(entry.path() / "of_node", ec);
			if (!ec && ofNode == node)
				found = fs::canonical(entry.path(), ec);
		});
		if (!found.empty())
			return found;
	}
	return {};
}

/*
 * The components of a virtual display device (RK3399's and i.MX8's display-subsystem):
 * the devices of the nodes its device-tree node's "ports" property points at.
 */
std::vector<fs::path> componentsOf(const fs::path &device)
{
	std::error_code ec;
	fs::path ports = device / "of_node" / "ports";
	if (!fs::exists(ports, ec))
		return {};
	fs::path base = fs::canonical(sysfsPath("firmware/devicetree/base"), ec);
	std::vector<fs::path> components;
	for (uint32_t phandle : cells(ports)) {
		fs::path node = ec ? fs::path() : nodeWithPhandle(base, phandle);
		fs::path component = node.empty() ? fs::path() : deviceOfNode(node);
		if (component.empty())
			return {}; /* a port that can't be followed: the answer would be a guess */
		components.push_back(component);
	}
	return components;
}

Derived<bool> iommuOfComponents(const fs::path &device, const std::vector<fs::path> &components)
{
	std::string name = device.filename().string();
	std::string found;
	for (const fs::path &component : components) {
		Group group = groupOf(component);
		std::string part = component.filename().string();
		if (!group.present || !group.translates)
			return { false, "sysfs: " + name +
						" has no iommu_group and its component " + part +
						" has " + (group.present ? group.text() : "none") };
		found += (found.empty() ? "" : ", ") + part + " " + group.text();
	}
	return { true, "sysfs: " + name + " has no iommu_group, but each of its components " +
			       "(device-tree ports) has one: " + found };
}

} /* namespace */

std::string v4l2NodeName(const std::string &node)
{
	std::string name = readTextFile(
		sysfsPath("class/video4linux/" + fs::path(node).filename().string() + "/name"));
	name.erase(std::find(name.begin(), name.end(), '\n'), name.end());
	return name;
}

std::string sysfsPath(const std::string &relative)
{
	const char *root = std::getenv("DMABRIDGE_SYSFS_ROOT");
	return std::string(root && *root ? root : "/sys") + "/" + relative;
}

Derived<bool> iommuOf(const std::string &sysfsDevice)
{
	if (sysfsDevice.empty())
		return { false, "sysfs: no iommu_group for the device" };
	Group group = groupOf(sysfsDevice);
	if (group.present && !group.translates)
		return { false, "sysfs: iommu_group " + group.name +
					" is of type identity (no translation)" };
	if (group.present)
		return { true, "sysfs: " + group.text() };
	std::vector<fs::path> components = componentsOf(sysfsDevice);
	if (!components.empty())
		return iommuOfComponents(sysfsDevice, components);
	return { false, "sysfs: no iommu_group for " + sysfsDevice };
}

std::string sysfsDeviceOf(const std::string &cls, const std::string &node)
{
	std::error_code ec;
	fs::path device = fs::path(sysfsPath("class")) / cls / fs::path(node).filename() / "device";
	fs::path resolved = fs::canonical(device, ec);
	return ec ? std::string() : resolved.string();
}

} /* namespace dmabridge::internal */
