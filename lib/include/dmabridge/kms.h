/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <dmabridge/dmabuf.h>
#include <dmabridge/drm.h>
#include <dmabridge/error.h>
#include <dmabridge/kms_plane.h>
#include <dmabridge/layout.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * A display output driven by atomic KMS: one connector, its CRTC and its planes. show()
 * puts a framebuffer on the plane that suits it (see kms_plane.h): the primary plane when
 * the frame fills the mode (the first commit sets the mode: of the frame's size, else the
 * preferred one, else the largest mode inside a larger frame, cropped to it); else an
 * overlay placed in the render rectangle (centred, scaled where the plane can), with the
 * primary plane showing black. On devices with a writeback connector (vkms), readBack()
 * captures what the CRTC output into a dma-buf, to check pixels on the display side.
 */
class KmsDisplay
{
	DMABRIDGE_DECLARE_PRIVATE(KmsDisplay)

public:
	struct Options
	{
		uint32_t connectorId = 0; /* 0: the first connected one that isn't writeback */
		uint32_t planeId = 0;     /* 0: chosen for each frame by what the planes do */
		/* Where frames go on the screen; none: the whole mode. */
		std::optional<Rect> renderRectangle;
		/* Frames scaled into the rectangle keep their aspect ratio. */
		bool keepAspect = true;
	};
	static Result<KmsDisplay> open(const DrmDevice &device, const Options &options);
	static Result<KmsDisplay> open(const DrmDevice &device) { return open(device, Options{}); }

	/* The sizes of the connector's modes, preferred first, each once. */
	std::vector<std::pair<uint32_t, uint32_t>> modeSizes() const;
	/* The largest framebuffer the device takes (its mode_config max_width/height). */
	std::pair<uint32_t, uint32_t> maxFrameSize() const;

	/*
	 * Where show() would put a frame of this format and size: the plane, the part of the
	 * frame and the rectangle on the screen, and why; planeId 0 and the reason when no
	 * plane can show it. Asks the kernel what the planes can do (TEST_ONLY commits) on
	 * the mode the frame gets, the first time.
	 */
	Result<Placement> place(uint32_t fourcc, uint64_t modifier, uint32_t width,
				uint32_t height);
	/* The part of a frame of this size that show() puts on screen ({0, 0}: none). */
	std::pair<uint32_t, uint32_t> shownSize(uint32_t width, uint32_t height);
	/* The planes of the CRTC and what they were found to do (after place() or show()). */
	const std::vector<KmsPlane> &planes() const;
	/* Where the frame on screen is, since the last full commit. */
	const Placement &placement() const;
	/* Where the next frames go; the next show() places them anew. */
	void setRenderRectangle(std::optional<Rect> rectangle);

	uint32_t width() const;
	uint32_t height() const;
	uint32_t connectorId() const;
	/* The plane showing the frame (the primary plane before the first). */
	uint32_t planeId() const;
	uint32_t crtcId() const;
	std::string label() const;

	/* Shows framebuffer (of layout's size) where place() says, in one atomic commit. */
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
	 * One thread at a time: the event is read once, and a second waiter would wait for
	 * good, so it is refused at once (EBUSY).
	 */
	Status waitForFlip(int timeoutMs);
	/* Page-flip events seen: frames that reached the screen through showWhenReady(). */
	uint64_t flips() const;
	/* Turns the planes and the CRTC off. */
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
	Status chooseMode(uint32_t width, uint32_t height);
	Status commit(uint32_t framebuffer, const Layout &layout, int inFence, bool async);
};

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
