/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * readBack() adds the writeback connector to the CRTC for one frame and waits on its
 * out-fence. Where the writeback encoder can't be a clone of the display's (vkms in Linux
 * 6.1 leaves possible_clones unset, so each encoder clones only itself and the atomic
 * check fails with EINVAL), the CRTC is routed to writeback instead of the display for
 * that frame, then back: same CRTC, mode and planes, so the same composed pixels.
 */
#include <poll.h>

#include "kms_display_state.h"

namespace dmabridge {

Status KmsDisplay::readBack(FramebufferCache &cache, const DmaBuf &target, const Layout &layout,
			    int timeoutMs)
{
	State &s = *state_;
	if (!s.writeback)
		return Error(ENOTSUP, s.device + " has no writeback connector");
	if (!s.modeSet)
		return Error(EINVAL, label() + ": nothing shown yet to read back");
	if (layout.width != s.mode.hdisplay || layout.height != s.mode.vdisplay)
		return Error(EINVAL, label() + ": writeback needs a " +
					     std::to_string(s.mode.hdisplay) + "x" +
					     std::to_string(s.mode.vdisplay) +
					     " buffer (the mode), not " + layout.describe());
	Result<uint32_t> framebuffer = cache.framebuffer({ &target, 1 }, layout);
	if (!framebuffer)
		return framebuffer.error();

	int32_t fence = -1;
	AtomicRequest atomic;
	bool ok = State::add(atomic.req, s.writeback, s.writebackProps, "CRTC_ID", s.crtc) &&
		  State::add(atomic.req, s.writeback, s.writebackProps, "WRITEBACK_FB_ID",
			     *framebuffer) &&
		  State::add(atomic.req, s.writeback, s.writebackProps, "WRITEBACK_OUT_FENCE_PTR",
			     uint64_t(reinterpret_cast<uintptr_t>(&fence)));
	if (ok && !s.writebackClones)
		ok = State::add(atomic.req, s.connector, s.connectorProps, "CRTC_ID", 0);
	if (!ok)
		return Error(ENOTSUP, s.device + ": the writeback connector lacks its properties");
	if (drmModeAtomicCommit(s.fd.get(), atomic.req, DRM_MODE_ATOMIC_ALLOW_MODESET, nullptr) < 0)
		return s.fail(errno, "writeback commit into " + layout.describe());
	s.commits++;
	UniqueFd fenceFd(fence);

	struct pollfd pfd = { fenceFd.get(), POLLIN, 0 };
	int ready;
	do {
		ready = ::poll(&pfd, 1, timeoutMs);
	} while (ready < 0 && errno == EINTR);
	Status done;
	if (ready <= 0)
		done = Error(ETIMEDOUT, label() + ": writeback did not complete within " +
						std::to_string(timeoutMs) + " ms");

	/* Back to the display alone: writeback off, the connector on the CRTC again. */
	AtomicRequest restore;
	State::add(restore.req, s.writeback, s.writebackProps, "CRTC_ID", 0);
	State::add(restore.req, s.writeback, s.writebackProps, "WRITEBACK_FB_ID", 0);
	if (!s.writebackClones)
		State::add(restore.req, s.connector, s.connectorProps, "CRTC_ID", s.crtc);
	if (drmModeAtomicCommit(s.fd.get(), restore.req, DRM_MODE_ATOMIC_ALLOW_MODESET, nullptr) <
		    0 &&
	    done)
		done = s.fail(errno, "restoring the display after writeback");
	s.commits++;
	return done;
}

} /* namespace dmabridge */
