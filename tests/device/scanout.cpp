/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "scanout.h"

#include <fcntl.h>

#include <xf86drm.h>
#include <xf86drmMode.h>

#include <dmabridge/drm.h>
#include <dmabridge/frame_copy.h>

namespace dmabridge::test {

namespace {

/* The framebuffer id on the first plane that shows one, or 0; seen says what each had. */
uint32_t shownFramebuffer(int fd, std::string &seen)
{
	drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1);
	drmModePlaneRes *planes = drmModeGetPlaneResources(fd);
	uint32_t framebuffer = 0;
	for (uint32_t i = 0; planes && i < planes->count_planes && !framebuffer; i++) {
		drmModePlane *plane = drmModeGetPlane(fd, planes->planes[i]);
		if (plane && plane->crtc_id)
			framebuffer = plane->fb_id;
		if (plane)
			seen += " plane " + std::to_string(plane->plane_id) + ": crtc " +
				std::to_string(plane->crtc_id) + ", fb " +
				std::to_string(plane->fb_id) + ";";
		drmModeFreePlane(plane);
	}
	drmModeFreePlaneResources(planes);
	return framebuffer;
}

} /* namespace */

Result<Scanout> currentScanout(const std::string &driver)
{
	Result<DrmDevice> device = DrmDevice::openByDriver(driver);
	if (!device)
		return device.error();
	int fd = device->fd();
	std::string seen;
	uint32_t id = shownFramebuffer(fd, seen);
	if (!id)
		return Error(ENOENT, device->label() + " shows no framebuffer on any plane (" +
					     (seen.empty() ? std::string("no planes") : seen) +
					     ")");
	drmModeFB2 *fb = drmModeGetFB2(fd, id);
	if (!fb)
		return Error::fromErrno(errno, device->label() + ": GETFB2 of framebuffer " +
						       std::to_string(id));
	Layout layout;
	layout.fourcc = fb->pixel_format;
	layout.modifier = (fb->flags & DRM_MODE_FB_MODIFIERS) ? fb->modifier : kModifierLinear;
	layout.width = fb->width;
	layout.height = fb->height;
	layout.planeCount = layout.format() ? layout.format()->planes : 1;
	for (unsigned p = 0; p < layout.planeCount && p < 3; p++)
		layout.planes[p] = { 0, fb->offsets[p], fb->pitches[p],
				     uint64_t(fb->pitches[p]) *
					     (layout.format()
						      ? layout.format()->planeHeight(p, fb->height)
						      : fb->height) };
	uint32_t handle = fb->handles[0];
	drmModeFreeFB2(fb);
	if (!handle)
		return Error(EPERM,
			     device->label() +
				     ": GETFB2 gave no buffer handle (not root, not master)");
	int prime = -1;
	int err = drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC, &prime) < 0 ? errno : 0;
	drmCloseBufferHandle(fd, handle);
	if (err)
		return Error::fromErrno(err, device->label() + ": PRIME export of the scanout");
	Result<DmaBuf> buffer = DmaBuf::fromFd(UniqueFd(prime));
	if (!buffer)
		return buffer.error();
	return Scanout{ std::move(*buffer), layout };
}

uint64_t distinctColours(const DmaBuf &buffer, const Layout &layout)
{
	CpuAccess access(buffer, CpuAccessMode::Read);
	return access.isValid() ? dmabridge::distinctColours(access.read(), layout) : 0;
}

} /* namespace dmabridge::test */
