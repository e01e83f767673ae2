/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a KmsDisplay holds, shared by the files that make it up: kms_display.cpp (opening,
 * modes, showing), kms_planes.cpp (asking the kernel what each plane can do) and
 * kms_writeback.cpp (reading back what the CRTC output).
 */
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include <dmabridge/kms.h>

#include "drm_properties.h"

namespace dmabridge {

/* libdrm's atomic request, freed with the scope. */
struct AtomicRequest
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	AtomicRequest() = default;
	AtomicRequest(const AtomicRequest &) = delete;
	AtomicRequest &operator=(const AtomicRequest &) = delete;
	~AtomicRequest() { drmModeAtomicFree(req); }
};

struct KmsDisplay::State
{
	std::optional<DrmDevice> drm;
	SharedFd fd;
	std::string device;
	Options options;
	uint32_t connector = 0;
	uint32_t writeback = 0;
	bool writebackClones = false; /* writeback can run beside the display connector */
	uint32_t crtc = 0;
	int crtcIndex = 0;
	uint32_t primary = 0; /* the CRTC's primary plane */
	std::vector<drmModeModeInfo> modes;
	uint32_t maxWidth = 0, maxHeight = 0; /* of a framebuffer */
	drmModeModeInfo mode = {};
	uint32_t modeBlob = 0;
	bool modeSet = false;

	/* The planes of the CRTC, asked what they can do on the mode of probedFor. */
	std::vector<KmsPlane> planes;
	std::optional<std::pair<uint32_t, uint32_t>> probedFor;
	std::map<uint32_t, internal::DrmProperties> planeProps;

	/* What the screen shows since the last full commit: later frames like it only flip. */
	struct Scanout
	{
		uint32_t fourcc = 0;
		uint64_t modifier = 0;
		uint32_t width = 0, height = 0;
		bool operator==(const Scanout &) const = default;
	} scanout;
	Placement placement;
	/* The property ids a flip of the placement's plane sets, found when it was placed: a
	 * frame looks nothing up by name. */
	uint32_t flipFramebuffer = 0, flipFence = 0;
	bool placementStale = true; /* the render rectangle changed: place anew */
	bool pending = false;       /* a non-blocking commit's flip not seen yet */
	uint64_t flips = 0;
	std::atomic<bool> waiting = false; /* a thread is in waitForFlip() */

	/*
	 * The display's own buffers, each made once: black under an overlay, frames to try
	 * planes with. By format and size.
	 */
	std::unique_ptr<FramebufferCache> ownBuffers;
	std::vector<DmaBuf> kept;
	std::map<std::tuple<uint32_t, uint32_t, uint32_t>, uint32_t> ownFramebuffers;
	internal::DrmProperties connectorProps, writebackProps, crtcProps;
	uint64_t commits = 0;

	~State()
	{
		ownBuffers.reset();
		if (modeBlob)
			drmModeDestroyPropertyBlob(fd.get(), modeBlob);
	}

	Error fail(int err, const std::string &what) const
	{
		return Error::fromErrno(err, device + " connector " + std::to_string(connector) +
						     ": " + what);
	}

	/* Adds object.name = value to req; false when the object has no such property. */
	static bool add(drmModeAtomicReqPtr req, uint32_t object,
			const internal::DrmProperties &props, const char *name, uint64_t value)
	{
		uint32_t id = props.id(name);
		return id && drmModeAtomicAddProperty(req, object, id, value) >= 0;
	}

	/* The CRTC on mode, driving the connector (for a full commit or a TEST_ONLY one). */
	bool addModeset(drmModeAtomicReqPtr req) const;
	/* Plane on the CRTC showing framebuffer's source rectangle at destination. */
	bool addPlane(drmModeAtomicReqPtr req, uint32_t plane, uint32_t framebuffer,
		      const Rect &source, const Rect &destination) const;
	/* A plane off: no framebuffer, no CRTC. */
	bool addPlaneOff(drmModeAtomicReqPtr req, uint32_t plane) const;
	/* The placement committed (or none), with the property ids a flip of its plane sets. */
	void setPlacement(const Placement &committed);

	/* A buffer of the display's own, as a framebuffer: black, or a pattern to test with. */
	Result<uint32_t> ownFramebuffer(uint32_t fourcc, uint32_t width, uint32_t height);
	/* The black framebuffer of the mode's size the primary plane shows under overlays. */
	Result<uint32_t> black();
	/* Asks the kernel what each plane of the CRTC can do on the current mode. */
	Status probePlanes();
	Status tryGeometry(KmsPlane &plane);
	/* One TEST_ONLY commit of plane (over black, unless it is the primary): 0 or errno. */
	int testCommit(uint32_t plane, uint32_t framebuffer, const Rect &source,
		       const Rect &destination);
	/* The mode blob of mode, made anew when the mode changed. */
	Status modeBlobFor();
};

namespace internal {

/* The plane ids that can drive the CRTC of index crtcIndex. */
std::vector<uint32_t> planesOfCrtc(int fd, int crtcIndex);

} /* namespace internal */

} /* namespace dmabridge */
