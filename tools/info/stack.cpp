/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "stack.h"

#include <sys/utsname.h>

#include <gst/gst.h>
#include <libcamera/camera_manager.h>

#include "../../gst-plugin/common/caps_dialect.h"

namespace dmabridge::tools {

std::vector<StackPart> softwareStack(const Inventory &inventory)
{
	std::vector<StackPart> parts;
	struct utsname name = {};
	if (uname(&name) == 0)
		parts.push_back({ "kernel", std::string(name.release) + " " + name.machine });

	guint major = 0, minor = 0, micro = 0, nano = 0;
	gst_version(&major, &minor, &micro, &nano);
	parts.push_back({ "GStreamer", std::to_string(major) + "." + std::to_string(minor) + "." +
					       std::to_string(micro) + " (" +
					       gst::capsDialect().name + ")" });

	/* GL_VERSION ends in "Mesa 25.0.7" on Mesa's drivers. */
	for (const InventoryDevice &device : inventory.devices) {
		size_t mesa =
			device.kind == "EGL" ? device.detail.find("Mesa ") : std::string::npos;
		if (mesa != std::string::npos) {
			parts.push_back({ "Mesa", device.detail.substr(mesa + 5) });
			break;
		}
	}
	parts.push_back({ "libcamera", libcamera::CameraManager::version() });
	return parts;
}

} /* namespace dmabridge::tools */
