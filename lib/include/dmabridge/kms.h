/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <dmabridge/dmabuf.h>
#include <dmabridge/drm.h>
#include <dmabridge/error.h>
#include <dmabridge/layout.h>

namespace dmabridge {

/*
 * A display output driven by atomic KMS: one connector, its CRTC and a plane that takes
 * the format. show() puts a framebuffer full-screen on the plane (the first commit sets
 * the mode: of the frame's size, else the largest mode inside the frame, cropped to it).
 * On devices with a writeback connector (vkms), readBack() captures what the
 * CRTC output into a dma-buf, to check pixels on the display side.
 */
class KmsDisplay
{
public:
	struct Options
	{
		uint32_t connectorId = 0; /* 0: the first connected one that isn't writeback */
		uint32_t planeId = 0;     /* 0: the primary plane of the CRTC */
	};

	KmsDisplay(KmsDisplay &&) noexcept;
	KmsDisplay &operator=(KmsDisplay &&) noexcept;
	~KmsDisplay();

	static Result<KmsDisplay> open(const DrmDevice &device, const Options &options);
	static Result<KmsDisplay> open(const DrmDevice &device) { return open(device, Options{}); }

	/* The sizes of the connector's modes, preferred first, each once. */
	std::vector<std::pair<uint32_t, uint32_t>> modeSizes() const;
	/* The largest framebuffer the device takes (its mode_config max_width/height). */
	std::pair<uint32_t, uint32_t> maxFrameSize() const;
	/*
	 * The region of a frame of this size that show() puts on screen, from its top-left
	 * corner: the mode's size when the frame covers the mode (the mode in use, or the one
	 * the first show() would set), else the whole frame, scaled.
	 */
	std::pair<uint32_t, uint32_t> shownSize(uint32_t width, uint32_t height) const;

	uint32_t width() const;
	uint32_t height() const;
	uint32_t connectorId() const;
	uint32_t planeId() const;
	uint32_t crtcId() const;
	std::string label() const;
	/* Whether the plane takes fourcc in the linear layout (IN_FORMATS, or the format list). */
	bool planeTakes(uint32_t fourcc, uint64_t modifier = kModifierLinear) const;

	/* Shows framebuffer (of layout's size) on the whole mode, in one atomic commit. */
	Status show(uint32_t framebuffer, const Layout &layout);
	/*
	 * The same, without waiting: a non-blocking commit with a page-flip event, the plane's
	 * IN_FENCE_FD set to inFence (a sync_file; -1 for none), so the kernel moves the plane
	 * once the fence has signalled and the CPU waits for nothing. One commit may be
	 * pending at a time: the caller waits for its flip (waitForFlip) before the next.
	 */
	Status showWhenReady(uint32_t framebuffer, const Layout &layout, int inFence);
	/* A showWhenReady() commit whose page flip has not been seen yet. */
	bool flipPending() const;
	/*
	 * Waits up to timeoutMs (-1: no limit) for the pending commit's page-flip event: then
	 * its frame is on screen and the one before it is not. ETIMEDOUT when it didn't come.
	 */
	Status waitForFlip(int timeoutMs);
	/* Page-flip events seen: frames that reached the screen through showWhenReady(). */
	uint64_t flips() const;
	/* Turns the plane and CRTC off. */
	Status disable();

	bool hasWriteback() const;
	/*
	 * Captures the next frame the CRTC outputs into target (an XRGB8888 buffer of the
	 * mode's size, imported through cache) and waits for it, up to timeoutMs.
	 */
	Status readBack(FramebufferCache &cache, const DmaBuf &target, const Layout &layout,
			int timeoutMs = 5000);

	uint64_t commits() const;

private:
	struct State;
	explicit KmsDisplay(std::unique_ptr<State> state);
	Status commit(uint32_t framebuffer, const Layout &layout, int inFence, bool async);
	std::unique_ptr<State> state_;
};

} /* namespace dmabridge */
