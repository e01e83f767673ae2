/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <dmabridge/constraints.h>
#include <dmabridge/dmabuf.h>
#include <dmabridge/error.h>
#include <dmabridge/layout.h>
#include <dmabridge/public.h>
#include <dmabridge/unique_fd.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/* One KMS plane: its object id, type and the formats (with modifiers) it scans out. */
struct DrmPlane
{
	uint32_t id = 0;
	std::string type; /* "primary", "overlay", "cursor" */
	std::vector<FormatModifiers> formats;
};

/*
 * A DRM device node (/dev/dri/cardN), found by driver name: card numbers follow probe
 * order. Allocates dumb buffers and exports them as dma-bufs (PRIME).
 */
class DrmDevice
{
public:
	static Result<DrmDevice> open(const std::string &path);
	/* The first card driven by driver ("vkms", "vgem"); ENODEV listing the others. */
	static Result<DrmDevice> openByDriver(const std::string &driver);
	/*
	 * The device a GPU (EGL) runs on when none is named: the first without modesetting,
	 * since a display's device is the display's business. ENODEV listing the others.
	 */
	static Result<DrmDevice> openRenderDevice();
	/* The first card with modesetting: a display's. ENODEV listing the others. */
	static Result<DrmDevice> openDisplayDevice();
	static std::vector<std::string> nodes();

	const std::string &path() const { return path_; }
	const std::string &driver() const { return driver_; }
	std::string label() const { return driver_ + " (" + path_ + ")"; }
	/* Borrowed: the DrmDevice keeps owning it. */
	int fd() const { return fd_.get(); }
	/* Shared with objects that must keep the device open (caches, displays). */
	const SharedFd &sharedFd() const { return fd_; }
	bool hasModesetting() const { return modesetting_; }

	/*
	 * A dumb buffer for layout (one buffer; its pitch is the driver's), exported as a
	 * dma-buf. The GEM handle is closed at once: the dma-buf keeps the memory alive.
	 * The layout returned carries the driver's pitch.
	 */
	Result<DmaBuf> allocateDumb(const Layout &layout, Layout *actual = nullptr) const;

	/*
	 * Whether this device allocated buffer (its own GEM object, not an import): PRIME
	 * import, then DRM_IOCTL_MODE_MAP_DUMB, which the kernel refuses for imported objects.
	 * GEM handles are per fd: call it on a DrmDevice of its own, not one whose fd others
	 * (EGL, a framebuffer cache) import through, or their handle may be closed.
	 */
	Result<bool> allocated(const DmaBuf &buffer) const;

	/* Every KMS plane (none on devices without modesetting). */
	std::vector<DrmPlane> planes() const;

	/* What the primary plane of this device takes, as the planner needs it. */
	Result<DeviceConstraints> probe() const;

private:
	DrmDevice() = default;

	SharedFd fd_;
	std::string path_;
	std::string driver_;
	bool modesetting_ = false;
};

/*
 * Framebuffers made from dma-bufs on one DRM device, cached by buffer identity: a pool
 * of N buffers costs N imports, whatever the frame count. Handles and framebuffers are
 * released by release() or when the cache goes.
 */
class FramebufferCache
{
public:
	explicit FramebufferCache(const DrmDevice &device);
	~FramebufferCache();
	FramebufferCache(const FramebufferCache &) = delete;
	FramebufferCache &operator=(const FramebufferCache &) = delete;

	/* The framebuffer for buffers (one per layout buffer) in layout; imports once. */
	Result<uint32_t> framebuffer(std::span<const DmaBuf> buffers, const Layout &layout);
	/* Forgets a buffer that went away: RmFB and GEM_CLOSE. */
	void release(const BufferIdentity &identity);
	void clear();

	size_t size() const { return entries_.size(); }
	uint64_t imports() const { return imports_; }

private:
	struct Entry
	{
		uint32_t framebuffer = 0;
		std::vector<uint32_t> handles;
	};
	void destroy(const Entry &entry);

	SharedFd fd_;
	std::string label_;
	bool modifiers_ = false;
	std::unordered_map<BufferIdentity, Entry> entries_;
	uint64_t imports_ = 0;
};

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
