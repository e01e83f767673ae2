/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What each plane of a CRTC can do, asked of the kernel: atomic commits with
 * DRM_MODE_ATOMIC_TEST_ONLY, which run the driver's checks and change nothing. Drivers
 * say nothing else about it (no property tells whether a plane positions or scales), and
 * guessing from the driver's name would be wrong across kernel versions: vkms's primary
 * plane must cover the screen in Linux 6.1 and may be positioned in 6.12.
 *
 * A plane is tried with a 128x128 frame of its own first format: a 64x64 part of it at
 * 16,16 (does it position?), then enlarged to 128x128 and the whole reduced to 64x64
 * (does it scale?). One that must cover the screen is tried scaling a frame of half the
 * mode's size to the whole mode. Planes other than the primary are tried over the
 * primary showing black, as they will be used.
 */
#include <algorithm>
#include <cstring>

#include <drm_fourcc.h>

#include "kms_display_state.h"

namespace dmabridge {

namespace internal {

std::vector<uint32_t> planesOfCrtc(int fd, int crtcIndex)
{
	std::vector<uint32_t> ids;
	drmModePlaneResPtr planes = drmModeGetPlaneResources(fd);
	for (uint32_t i = 0; planes && i < planes->count_planes; i++) {
		drmModePlanePtr plane = drmModeGetPlane(fd, planes->planes[i]);
		if (plane && (plane->possible_crtcs & (1u << crtcIndex)))
			ids.push_back(plane->plane_id);
		drmModeFreePlane(plane);
	}
	drmModeFreePlaneResources(planes);
	return ids;
}

} /* namespace internal */

Result<uint32_t> KmsDisplay::State::ownFramebuffer(uint32_t fourcc, uint32_t width, uint32_t height)
{
	auto cached = ownFramebuffers.find({ fourcc, width, height });
	if (cached != ownFramebuffers.end())
		return cached->second;
	Result<Layout> wanted = computeLayout(fourcc, width, height);
	if (!wanted)
		return wanted.error();
	Layout layout;
	Result<DmaBuf> buffer = drm->allocateDumb(*wanted, &layout);
	if (!buffer)
		return buffer.error();
	{
		/* Black (all zero in the RGB formats planes take), written once. */
		CpuAccess access(*buffer, CpuAccessMode::Write);
		if (!access.isValid())
			return access.error();
		std::memset(access.write().data(), 0, access.write().size());
	}
	Result<uint32_t> framebuffer = ownBuffers->framebuffer({ &*buffer, 1 }, layout);
	if (!framebuffer)
		return framebuffer;
	kept.push_back(std::move(*buffer));
	ownFramebuffers[{ fourcc, width, height }] = *framebuffer;
	return framebuffer;
}

Result<uint32_t> KmsDisplay::State::black()
{
	auto plane = std::find_if(planes.begin(), planes.end(),
				  [&](const KmsPlane &p) { return p.id == primary; });
	uint32_t fourcc = DRM_FORMAT_XRGB8888;
	if (plane != planes.end() && !plane->takes(fourcc) && !plane->formats.empty())
		fourcc = plane->formats.front().fourcc;
	Result<uint32_t> framebuffer = ownFramebuffer(fourcc, mode.hdisplay, mode.vdisplay);
	if (!framebuffer)
		return Error(
			framebuffer.error().code(),
			device + ": a black " + formatName(fourcc) +
				" frame for the primary plane: " + framebuffer.error().message());
	return framebuffer;
}

namespace {

/* The frame a plane is tried with: its first format a dumb buffer can hold. */
uint32_t testFormat(const KmsPlane &plane)
{
	if (plane.takes(DRM_FORMAT_XRGB8888))
		return DRM_FORMAT_XRGB8888;
	for (const FormatModifiers &format : plane.formats)
		if (formatFromDrm(format.fourcc) && plane.takes(format.fourcc))
			return format.fourcc;
	return 0;
}

Derived<uint64_t> zposOf(const internal::DrmProperties &props, KmsPlane::Type type)
{
	if (props.id("zpos"))
		return { props.value("zpos"), "its zpos property" };
	uint64_t byType = type == KmsPlane::Type::Primary   ? 0
			  : type == KmsPlane::Type::Overlay ? 1
							    : 2;
	return { byType, "no zpos property: primary below overlays below the cursor" };
}

} /* namespace */

Status KmsDisplay::State::probePlanes()
{
	std::pair<uint32_t, uint32_t> size{ mode.hdisplay, mode.vdisplay };
	if (probedFor == size)
		return {};
	planes.clear();
	for (uint32_t id : internal::planesOfCrtc(fd.get(), crtcIndex)) {
		const internal::DrmProperties &props = planeProps[id] =
			internal::DrmProperties(fd.get(), id, DRM_MODE_OBJECT_PLANE);
		uint64_t type = props.value("type", DRM_PLANE_TYPE_OVERLAY);
		KmsPlane plane;
		plane.id = id;
		plane.type = type == DRM_PLANE_TYPE_PRIMARY  ? KmsPlane::Type::Primary
			     : type == DRM_PLANE_TYPE_CURSOR ? KmsPlane::Type::Cursor
							     : KmsPlane::Type::Overlay;
		plane.formats = internal::planeFormats(fd.get(), id);
		plane.zpos = zposOf(props, plane.type);
		planes.push_back(std::move(plane));
	}
	for (KmsPlane &plane : planes)
		if (Status tried = tryGeometry(plane); !tried)
			return tried;
	probedFor = size;
	return {};
}

/* One TEST_ONLY commit: the mode, black under plane unless it is the primary. */
int KmsDisplay::State::testCommit(uint32_t plane, uint32_t framebuffer, const Rect &source,
				  const Rect &destination)
{
	AtomicRequest atomic;
	bool ok = addModeset(atomic.req) &&
		  addPlane(atomic.req, plane, framebuffer, source, destination);
	if (ok && plane != primary) {
		Result<uint32_t> under = black();
		ok = under &&
		     addPlane(atomic.req, primary, *under, { 0, 0, mode.hdisplay, mode.vdisplay },
			      { 0, 0, mode.hdisplay, mode.vdisplay });
	}
	if (!ok)
		return EINVAL;
	uint32_t flags = DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET;
	return drmModeAtomicCommit(fd.get(), atomic.req, flags, nullptr) < 0 ? errno : 0;
}

Status KmsDisplay::State::tryGeometry(KmsPlane &plane)
{
	std::string on = " on the " + std::to_string(mode.hdisplay) + "x" +
			 std::to_string(mode.vdisplay) + " mode";
	auto asked = [&](int err, const std::string &what) {
		return what + on +
		       (err ? ": refused (" + std::string(strerror(err)) + ")" : ": accepted") +
		       " (TEST_ONLY commit)";
	};
	uint32_t fourcc = testFormat(plane);
	if (!fourcc) {
		plane.positions = { false, "not asked: no test frame in the plane's formats" };
		plane.scales = plane.positions;
		return {};
	}
	Result<uint32_t> frame = ownFramebuffer(fourcc, 128, 128);
	if (!frame)
		return frame.error();
	Rect small{ 0, 0, 64, 64 }, large{ 0, 0, 128, 128 };
	int err = testCommit(plane.id, *frame, small, { 16, 16, 64, 64 });
	plane.positions = { err == 0, asked(err, "64x64 at 16,16") };
	if (plane.positions.value) {
		int up = testCommit(plane.id, *frame, small, { 16, 16, 128, 128 });
		int down = up ? up : testCommit(plane.id, *frame, large, { 16, 16, 64, 64 });
		plane.scales = { !up && !down, up ? asked(up, "64x64 enlarged to 128x128")
						  : asked(down, "128x128 reduced to 64x64") };
		return {};
	}
	uint32_t halfWidth = mode.hdisplay / 2u, halfHeight = mode.vdisplay / 2u;
	Result<uint32_t> half = ownFramebuffer(fourcc, halfWidth, halfHeight);
	if (!half)
		return half.error();
	err = testCommit(plane.id, *half, { 0, 0, halfWidth, halfHeight },
			 { 0, 0, mode.hdisplay, mode.vdisplay });
	plane.scales = { err == 0, asked(err, "half the mode enlarged to all of it") };
	return {};
}

} /* namespace dmabridge */
