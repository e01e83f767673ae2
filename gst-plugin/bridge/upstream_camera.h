/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * When libcamerasrc feeds the bridge, its buffers are the camera's own (libcamera's
 * FrameBufferAllocator: the video nodes' buffers, exported), and libcamera says nothing
 * of what they are. The bridge learns it from the camera's video nodes, so that it can
 * say whether they suit downstream before passing them on.
 */
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <gst/gst.h>

#include <dmabridge/constraints.h>

namespace dmabridge::gst {

/*
 * The camera of a libcamerasrc upstream of sinkPad (through elements of one input each),
 * as its video nodes describe it; nothing when upstream is something else. Call it
 * before libcamerasrc streams: once libcamera owns the nodes' queues, their capabilities
 * can't be read. Why not, when a libcamerasrc's camera could not be described, in why.
 */
std::optional<DeviceConstraints> upstreamCamera(GstPad *sinkPad, std::string &why);

/*
 * Whether the buffers the camera exports suit every consumer for frames of fourcc and
 * size: empty when they do, else why not.
 */
std::string cameraBuffersUnsuited(const DeviceConstraints &camera,
				  const std::vector<DeviceConstraints> &consumers, uint32_t fourcc,
				  uint32_t width, uint32_t height);

} /* namespace dmabridge::gst */
