/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A libcamera camera's video nodes, from the media controller topology: the sensor entity
 * libcamera's id names (its firmware node, or its device path and entity name, as
 * libcamera's CameraSensor::generateId() makes it), and every video interface of that
 * media device, which libcamera's pipeline handler acquires whole.
 */
#include <fcntl.h>
#include <filesystem>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <linux/media.h>

#include <dmabridge/camera.h>
#include <dmabridge/v4l2.h>

#include "../internal/directory.h"
#include "../internal/ioctl.h"
#include "sysfs.h"

namespace fs = std::filesystem;

namespace dmabridge {

namespace {

struct Topology
{
	std::vector<media_v2_entity> entities;
	std::vector<media_v2_interface> interfaces;
	std::vector<media_v2_link> links;
};

Result<Topology> topologyOf(const std::string &node)
{
	UniqueFd fd(::open(node.c_str(), O_RDWR | O_CLOEXEC));
	if (!fd)
		return Error::fromErrno(errno, "cannot open media device " + node);
	struct media_v2_topology request = {};
	if (internal::retryIoctl(fd.get(), MEDIA_IOC_G_TOPOLOGY, &request) < 0)
		return Error::fromErrno(errno, node + ": MEDIA_IOC_G_TOPOLOGY");
	Topology topology;
	topology.entities.resize(request.num_entities);
	topology.interfaces.resize(request.num_interfaces);
	topology.links.resize(request.num_links);
	request.ptr_entities = uintptr_t(topology.entities.data());
	request.ptr_interfaces = uintptr_t(topology.interfaces.data());
	request.ptr_links = uintptr_t(topology.links.data());
	request.num_pads = 0;
	if (internal::retryIoctl(fd.get(), MEDIA_IOC_G_TOPOLOGY, &request) < 0)
		return Error::fromErrno(errno, node + ": MEDIA_IOC_G_TOPOLOGY");
	return topology;
}

/* The ids libcamera may give the sensor behind a subdev devnode. */
std::vector<std::string> sensorIds(const media_v2_intf_devnode &devnode, const std::string &entity)
{
	std::error_code ec;
	std::string charDev = internal::sysfsPath("dev/char/" + std::to_string(devnode.major) +
						  ":" + std::to_string(devnode.minor));
	fs::path device = fs::canonical(fs::path(charDev) / "device", ec);
	if (ec)
		return {};
	std::vector<std::string> ids;
	fs::path firmware = fs::canonical(device / "of_node", ec);
	std::string base = internal::sysfsPath("firmware/devicetree");
	if (!ec && firmware.string().rfind(base, 0) == 0)
		ids.push_back(firmware.string().substr(base.size()));
	std::string devices = internal::sysfsPath("devices/");
	if (device.string().rfind(devices, 0) == 0)
		ids.push_back(device.string().substr(devices.size()) + " " + entity);
	return ids;
}

/* The /dev/videoN of a devnode, by its device number. */
std::string videoNodeOf(const media_v2_intf_devnode &devnode)
{
	for (const std::string &path : V4l2Device::nodes()) {
		struct stat st = {};
		if (::stat(path.c_str(), &st) == 0 && major(st.st_rdev) == devnode.major &&
		    minor(st.st_rdev) == devnode.minor)
			return path;
	}
	return {};
}

/*
 * The id of the media device's sensor libcamera calls cameraId (any, for an empty id);
 * empty when it has none. found lists the ids seen.
 */
std::string sensorOf(const Topology &topology, const std::string &cameraId, std::string &found)
{
	for (const media_v2_link &link : topology.links) {
		if ((link.flags & MEDIA_LNK_FL_LINK_TYPE) != MEDIA_LNK_FL_INTERFACE_LINK)
			continue;
		for (const media_v2_entity &entity : topology.entities) {
			if (entity.id != link.sink_id || entity.function != MEDIA_ENT_F_CAM_SENSOR)
				continue;
			for (const media_v2_interface &interface : topology.interfaces) {
				if (interface.id != link.source_id)
					continue;
				for (const std::string &id :
				     sensorIds(interface.devnode, entity.name)) {
					found += (found.empty() ? "" : ", ") + id;
					if (cameraId.empty() || id == cameraId)
						return id;
				}
			}
		}
	}
	return {};
}

} /* namespace */

Result<CameraNodes> cameraVideoNodes(const std::string &cameraId)
{
	std::vector<std::string> media;
	internal::forEachEntry("/dev", [&](const fs::directory_entry &entry) {
		if (entry.path().filename().string().rfind("media", 0) == 0)
			media.push_back(entry.path().string());
	});
	std::string found;
	for (const std::string &path : media) {
		Result<Topology> topology = topologyOf(path);
		CameraNodes camera;
		if (topology)
			camera.id = sensorOf(*topology, cameraId, found);
		if (camera.id.empty())
			continue;
		for (const media_v2_interface &interface : topology->interfaces)
			if (interface.intf_type == MEDIA_INTF_T_V4L_VIDEO)
				if (std::string node = videoNodeOf(interface.devnode);
				    !node.empty())
					camera.nodes.push_back(node);
		if (!camera.nodes.empty())
			return camera;
	}
	return Error(ENODEV, "no media device has the sensor of camera '" + cameraId +
				     "' (sensors found: " + (found.empty() ? "none" : found) + ")");
}

DeviceConstraints mergeCameraConstraints(const std::string &cameraId,
					 const std::vector<DeviceConstraints> &nodes)
{
	DeviceConstraints camera;
	camera.name = cameraId;
	camera.role = "libcamera camera";
	camera.canImport = camera.canExport = !nodes.empty();
	camera.iommu = { !nodes.empty(), "" };
	for (const DeviceConstraints &node : nodes) {
		for (const FormatModifiers &format : node.formats)
			if (!camera.acceptsFormat(format.fourcc))
				camera.formats.push_back(format);
		std::string where = " (" + node.name + ", " + node.node + ")";
		if (node.needsContiguousMemory() && !camera.contiguous.value)
			camera.contiguous = { true, node.contiguous.source + where };
		if (!camera.contiguous.value && camera.contiguous.source.empty())
			camera.contiguous = { false, node.contiguous.source + where };
		if (!node.iommu.value || camera.iommu.source.empty())
			camera.iommu = { camera.iommu.value && node.iommu.value,
					 node.iommu.source + where };
		if (node.limitsAddresses() && (!camera.addressLimit.value ||
					       node.addressLimit.value < camera.addressLimit.value))
			camera.addressLimit = { node.addressLimit.value,
						node.addressLimit.source + where };
		camera.canImport = camera.canImport && node.canImport;
		camera.canExport = camera.canExport && node.canExport;
		camera.exportsContiguous = camera.contiguous;
		camera.alignment.value = camera.alignment.value.merged(node.alignment.value);
		if (camera.node.empty())
			camera.node = node.node;
	}
	return camera;
}

Result<DeviceConstraints> cameraConstraints(const std::string &cameraId)
{
	Result<CameraNodes> camera = cameraVideoNodes(cameraId);
	if (!camera)
		return camera.error();
	std::vector<DeviceConstraints> probed;
	for (const std::string &path : camera->nodes) {
		Result<V4l2Device> device = V4l2Device::open(path, V4l2Access::Direct);
		if (!device || !device->hasCapture())
			continue;
		if (Result<DeviceConstraints> node = device->probe(V4l2Direction::Capture))
			probed.push_back(std::move(*node));
	}
	if (probed.empty())
		return Error(ENODEV, "camera '" + cameraId +
					     "' has no capture node that could be "
					     "probed");
	return mergeCameraConstraints(camera->id, probed);
}

} /* namespace dmabridge */
