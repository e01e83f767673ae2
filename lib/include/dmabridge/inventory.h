/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <vector>

#include <dmabridge/constraints.h>
#include <dmabridge/drm.h>
#include <dmabridge/heap.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * One device node and what the library derived for each way buffers go through it: a
 * V4L2 node's capture and output queues, a DRM device's primary plane (and its other
 * planes), an EGL display's sampler.
 */
struct InventoryDevice
{
	std::string kind;   /* "V4L2", "DRM", "EGL" */
	std::string node;   /* /dev/video8, /dev/dri/card1 */
	std::string name;   /* vivid-001, vkms, llvmpipe */
	std::string driver; /* the quirk table's key */
	std::string detail; /* the V4L2 card and sysfs name, the EGL renderer and GL version */
	std::vector<DeviceConstraints> queues;
	std::vector<DrmPlane> planes;
	std::vector<std::string> notes; /* a queue it could not probe, and why */
	/* A V4L2 memory-to-memory device: "converter", "decoder" or "encoder"; else empty. */
	std::string m2mRole;
	/* What its compressed queue reads or writes ("FWHT", "H264"). */
	std::vector<std::string> codedFormats;
};

/* A node that could not be opened or probed, and why (permission, not a video node). */
struct UnopenedNode
{
	std::string node;
	std::string reason;
};

struct Inventory
{
	std::vector<InventoryDevice> devices;
	std::vector<HeapInfo> heaps;
	bool udmabuf = false;
	std::string udmabufNote; /* why it can or can't be used */
	std::vector<UnopenedNode> unopened;
};

/*
 * Every V4L2 video node, DRM card, dma-buf heap, /dev/udmabuf and an EGL display on each
 * DRM card, probed as the planner would probe them. Never fails: what can't be opened is
 * listed in unopened with the reason.
 */
Inventory takeInventory();

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
