/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The inventory behind dmabridge-info: every device the library knows how to use, opened
 * and probed one by one so that one node's failure only costs that node.
 */
#include <cerrno>
#include <fcntl.h>
#include <filesystem>
#include <fstream>

#include <dmabridge/coded_format.h>
#include <dmabridge/egl.h>
#include <dmabridge/inventory.h>
#include <dmabridge/unique_fd.h>
#include <dmabridge/v4l2.h>

#include "sysfs.h"

namespace dmabridge {

namespace {

/*
 * A device with both queues is memory-to-memory; its compressed queue, if any, says
 * which way it codes (V4l2M2m decides the same way, on a device it opens directly).
 */
void describeM2m(V4l2Device &device, InventoryDevice &entry)
{
	if (!device.hasCapture() || !device.hasOutput())
		return;
	std::vector<uint32_t> reads = device.codedFormats(V4l2Direction::Output);
	std::vector<uint32_t> writes = device.codedFormats(V4l2Direction::Capture);
	entry.m2mRole = !reads.empty() ? "decoder" : !writes.empty() ? "encoder" : "converter";
	for (uint32_t format : reads.empty() ? writes : reads) {
		const CodedFormat *known = codedFormatFromV4l2(format);
		entry.codedFormats.push_back(known ? std::string(known->name)
						   : fourccToString(format));
	}
}

void addV4l2(Inventory &inventory)
{
	for (const std::string &node : V4l2Device::nodes()) {
		Result<V4l2Device> opened = V4l2Device::open(node);
		if (!opened) {
			inventory.unopened.push_back({ node, opened.error().describe() });
			continue;
		}
		V4l2Device &device = *opened;
		if (!device.hasCapture() && !device.hasOutput()) {
			inventory.unopened.push_back(
				{ node, device.label() +
						" has no video capture or output queue "
						"(metadata, touch or radio node): skipped" });
			continue;
		}
		InventoryDevice entry{
			"V4L2", node, device.name(), device.driver(), device.card(), {}, {}, {},
			{},     {}
		};
		describeM2m(device, entry);
		if (std::string sysfs = internal::v4l2NodeName(node);
		    !sysfs.empty() && sysfs != device.card())
			entry.detail =
				"card \"" + device.card() + "\", sysfs name \"" + sysfs + "\"";
		else
			entry.detail = "card \"" + device.card() + "\"";
		if (!device.accessNote().empty())
			entry.notes.push_back(device.accessNote());
		for (V4l2Direction direction : { V4l2Direction::Capture, V4l2Direction::Output }) {
			if (direction == V4l2Direction::Capture ? !device.hasCapture()
								: !device.hasOutput())
				continue;
			Result<DeviceConstraints> queue = device.probe(direction);
			if (queue)
				entry.queues.push_back(std::move(*queue));
			else
				entry.notes.push_back(queue.error().describe());
		}
		inventory.devices.push_back(std::move(entry));
	}
}

void addDrmAndEgl(Inventory &inventory)
{
	std::vector<InventoryDevice> egl;
	for (const std::string &node : DrmDevice::nodes()) {
		Result<DrmDevice> opened = DrmDevice::open(node);
		if (!opened) {
			inventory.unopened.push_back({ node, opened.error().describe() });
			continue;
		}
		InventoryDevice entry{
			"DRM", node, opened->driver(), opened->driver(), {}, {}, {}, {}, {}, {}
		};
		entry.detail =
			opened->hasModesetting() ? "modesetting" : "no modesetting (GEM only)";
		if (Result<DeviceConstraints> probed = opened->probe(); probed)
			entry.queues.push_back(std::move(*probed));
		else
			entry.notes.push_back(probed.error().describe());
		entry.planes = opened->planes();
		inventory.devices.push_back(std::move(entry));

		Result<EglDevice> display = EglDevice::open(*opened);
		if (!display) {
			inventory.unopened.push_back({ node, "EGL on " + opened->label() + ": " +
								     display.error().describe() });
			continue;
		}
		Result<DeviceConstraints> sampler = display->probe();
		if (!sampler) {
			inventory.unopened.push_back({ node, sampler.error().describe() });
			continue;
		}
		InventoryDevice gpu{ "EGL",
				     node,
				     sampler->name,
				     sampler->driver,
				     display->renderer() + ", " + display->glVersion(),
				     {},
				     {},
				     {},
				     {},
				     {} };
		gpu.queues.push_back(std::move(*sampler));
		egl.push_back(std::move(gpu));
	}
	for (InventoryDevice &gpu : egl)
		inventory.devices.push_back(std::move(gpu));
}

void addUdmabuf(Inventory &inventory)
{
	UniqueFd fd(::open("/dev/udmabuf", O_RDWR | O_CLOEXEC));
	inventory.udmabuf = bool(fd);
	if (fd)
		inventory.udmabufNote = "/dev/udmabuf: scattered, cached pages from memfds; "
					"usable by devices that take scattered memory and whose "
					"importers need no kernel mapping (vmap)";
	else
		inventory.udmabufNote =
			Error::fromErrno(errno, "cannot open /dev/udmabuf").describe();
}

} /* namespace */

Inventory takeInventory()
{
	Inventory inventory;
	addV4l2(inventory);
	addDrmAndEgl(inventory);
	inventory.heaps = listHeaps();
	std::error_code ec;
	if (inventory.heaps.empty() && !std::filesystem::exists("/dev/dma_heap", ec))
		inventory.unopened.push_back({ "/dev/dma_heap",
					       "no dma-buf heaps: the directory does not exist "
					       "(kernel without CONFIG_DMABUF_HEAPS)" });
	addUdmabuf(inventory);
	return inventory;
}

} /* namespace dmabridge */
