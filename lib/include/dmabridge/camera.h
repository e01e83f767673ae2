/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The memory constraints of a camera libcamera drives. libcamera says nothing of memory,
 * and 0.0.3 has no SystemDevices property listing the video nodes a camera uses; they
 * are found through the media device its sensor is on.
 */
#pragma once

#include <string>
#include <vector>

#include <dmabridge/constraints.h>
#include <dmabridge/error.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/* A camera's sensor, as libcamera names it, and the video nodes of its media device. */
struct CameraNodes
{
	std::string id;
	std::vector<std::string> nodes; /* /dev/videoN */
};

/*
 * The video nodes of the media device whose sensor libcamera names cameraId: its
 * firmware node path ("/base/soc/i2c0mux/i2c@1/imx219@10") or, for a sensor without
 * one, its device's sysfs path and entity name ("platform/vimc.0 Sensor B"). An empty id
 * takes the first sensor found (as libcamerasrc takes the first camera). ENODEV naming
 * the sensors found when none matches.
 */
Result<CameraNodes> cameraVideoNodes(const std::string &cameraId);

/*
 * What buffers the camera captures into must be: its video nodes' constraints merged,
 * as any of them may write a frame. Contiguous memory when any node needs it, an IOMMU
 * only when every node has one, the lowest address limit; formats are the union.
 */
DeviceConstraints mergeCameraConstraints(const std::string &cameraId,
					 const std::vector<DeviceConstraints> &nodes);

/* cameraVideoNodes() probed and merged; the constraints' name is the sensor's id. */
Result<DeviceConstraints> cameraConstraints(const std::string &cameraId);

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
