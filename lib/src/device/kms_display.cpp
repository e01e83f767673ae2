/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One display output through atomic KMS. The first show() sets the mode; later ones only
 * move the plane to a new framebuffer. Planes are not assumed to scale or to be smaller
 * than the CRTC (vkms's primary plane does neither), so the mode is the connector's mode
 * of the frame's size when it has one, else the largest mode inside the frame, whose
 * top-left corner is shown (as upstream kmssink crops a frame larger than the screen).
 * Only a frame smaller than every mode is scaled, where the plane can.
 *
 * readBack() adds the writeback connector to the CRTC for one frame and waits on its
 * out-fence. Where the writeback encoder can't be a clone of the display's (vkms in Linux
 * 6.1 leaves possible_clones unset, so each encoder clones only itself and the atomic
 * check fails with EINVAL), the CRTC is routed to writeback instead of the display for
 * that frame, then back: same CRTC, mode and planes, so the same composed pixels.
 */
#include <algorithm>
#include <chrono>
#include <poll.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <dmabridge/kms.h>

#include "drm_properties.h"

namespace dmabridge {

using internal::DrmProperties;

struct KmsDisplay::State
{
	SharedFd fd;
	std::string device;
	uint32_t connector = 0;
	uint32_t writeback = 0;
	bool writebackClones = false; /* writeback can run beside the display connector */
	uint32_t crtc = 0;
	uint32_t plane = 0;
	std::vector<drmModeModeInfo> modes;
	uint32_t maxWidth = 0, maxHeight = 0; /* of a framebuffer */
	drmModeModeInfo mode = {};
	uint32_t modeBlob = 0;
	bool modeSet = false;
	/* What the plane shows since the last full commit: later frames like it only flip. */
	struct Scanout
	{
		uint32_t fourcc = 0;
		uint64_t modifier = 0;
		uint32_t width = 0, height = 0;
		bool operator==(const Scanout &) const = default;
	} scanout;
	uint32_t fbIdProperty = 0;
	uint32_t inFenceProperty = 0;
	bool pending = false; /* a non-blocking commit's flip not seen yet */
	uint64_t flips = 0;
	DrmProperties connectorProps, writebackProps, crtcProps, planeProps;
	std::vector<FormatModifiers> formats;
	uint64_t commits = 0;

	~State()
	{
		if (modeBlob)
			drmModeDestroyPropertyBlob(fd.get(), modeBlob);
	}

	Error fail(int err, const std::string &what) const
	{
		return Error::fromErrno(err, device + " connector " + std::to_string(connector) +
						     ": " + what);
	}

	/*
	 * Moves the plane to another framebuffer: an atomic commit of FB_ID alone, made
	 * without libdrm's request (which allocates, copies and sorts on every commit).
	 */
	bool flip(uint32_t framebuffer, int inFence, uint32_t flags)
	{
		uint32_t objects[] = { plane }, counts[] = { inFence >= 0 ? 2u : 1u };
		uint32_t props[] = { fbIdProperty, inFenceProperty };
		uint64_t values[] = { framebuffer, uint64_t(int64_t(inFence)) };
		drm_mode_atomic atomic = {};
		atomic.flags = flags;
		atomic.count_objs = 1;
		atomic.objs_ptr = reinterpret_cast<uintptr_t>(objects);
		atomic.count_props_ptr = reinterpret_cast<uintptr_t>(counts);
		atomic.props_ptr = reinterpret_cast<uintptr_t>(props);
		atomic.prop_values_ptr = reinterpret_cast<uintptr_t>(values);
		atomic.user_data = reinterpret_cast<uintptr_t>(this);
		return drmIoctl(fd.get(), DRM_IOCTL_MODE_ATOMIC, &atomic) == 0;
	}

	/* Adds object.name = value to req; false when the object has no such property. */
	static bool add(drmModeAtomicReqPtr req, uint32_t object, const DrmProperties &props,
			const char *name, uint64_t value)
	{
		uint32_t id = props.id(name);
		return id && drmModeAtomicAddProperty(req, object, id, value) >= 0;
	}
};

namespace {

/* The mode of the frame's size, else the largest (by area) inside it; null if none. */
const drmModeModeInfo *modeFor(const std::vector<drmModeModeInfo> &modes, uint32_t width,
			       uint32_t height)
{
	const drmModeModeInfo *best = nullptr;
	for (const drmModeModeInfo &mode : modes) {
		if (mode.hdisplay == width && mode.vdisplay == height)
			return &mode;
		if (mode.hdisplay <= width && mode.vdisplay <= height &&
		    (!best || uint64_t(mode.hdisplay) * mode.vdisplay >
				      uint64_t(best->hdisplay) * best->vdisplay))
			best = &mode;
	}
	return best;
}

struct AtomicRequest
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	~AtomicRequest() { drmModeAtomicFree(req); }
};

/* The encoder's bit in possible_clones masks: 1 << its index in the resources. */
uint32_t encoderMask(drmModeResPtr resources, uint32_t encoderId)
{
	for (int i = 0; i < resources->count_encoders; i++)
		if (resources->encoders[i] == encoderId)
			return 1u << i;
	return 0;
}

/* Whether encoders a and b may drive one CRTC together. */
bool encodersClone(int fd, drmModeResPtr resources, uint32_t a, uint32_t b)
{
	drmModeEncoderPtr encoder = drmModeGetEncoder(fd, a);
	if (!encoder)
		return false;
	bool clones = encoder->possible_clones & encoderMask(resources, b);
	drmModeFreeEncoder(encoder);
	return clones;
}

/* The first CRTC index an encoder of the connector can drive. */
int crtcIndexFor(int fd, drmModeConnectorPtr connector)
{
	for (int e = 0; e < connector->count_encoders; e++) {
		drmModeEncoderPtr encoder = drmModeGetEncoder(fd, connector->encoders[e]);
		if (!encoder)
			continue;
		uint32_t possible = encoder->possible_crtcs;
		drmModeFreeEncoder(encoder);
		for (int i = 0; i < 32; i++)
			if (possible & (1u << i))
				return i;
	}
	return -1;
}

} /* namespace */

KmsDisplay::KmsDisplay(std::unique_ptr<State> state) : state_(std::move(state)) {}
KmsDisplay::KmsDisplay(KmsDisplay &&) noexcept = default;
KmsDisplay &KmsDisplay::operator=(KmsDisplay &&) noexcept = default;
KmsDisplay::~KmsDisplay() = default;

Result<KmsDisplay> KmsDisplay::open(const DrmDevice &device, const Options &options)
{
	auto state = std::make_unique<State>();
	state->fd = device.sharedFd();
	state->device = device.label();
	int fd = state->fd.get();

	if (drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1) < 0 ||
	    drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1) < 0)
		return Error::fromErrno(errno, device.label() + " has no atomic modesetting");
	/* Writeback connectors are listed only to clients that ask (after ATOMIC). */
	drmSetClientCap(fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1);

	/* Only the DRM master may probe connectors and commit: the first opener becomes it. */
	if (!drmIsMaster(fd) && drmSetMaster(fd) < 0)
		return Error(EBUSY, device.label() +
					    ": another client is the DRM master (a compositor, "
					    "or another open of the device in this process): "
					    "it owns the display");

	drmModeResPtr resources = drmModeGetResources(fd);
	if (!resources)
		return Error::fromErrno(errno, device.label() + " has no KMS resources");
	int crtcIndex = -1;
	uint32_t displayEncoder = 0, writebackEncoder = 0;
	for (int i = 0; i < resources->count_connectors; i++) {
		drmModeConnectorPtr connector = drmModeGetConnector(fd, resources->connectors[i]);
		if (!connector)
			continue;
		bool isWriteback = connector->connector_type == DRM_MODE_CONNECTOR_WRITEBACK;
		bool wanted = options.connectorId ? connector->connector_id == options.connectorId
						  : connector->connection == DRM_MODE_CONNECTED;
		uint32_t encoder = connector->count_encoders ? connector->encoders[0] : 0;
		if (isWriteback && !state->writeback) {
			state->writeback = connector->connector_id;
			writebackEncoder = encoder;
		} else if (!isWriteback && wanted && !state->connector && connector->count_modes) {
			state->connector = connector->connector_id;
			displayEncoder = encoder;
			state->modes.assign(connector->modes,
					    connector->modes + connector->count_modes);
			crtcIndex = crtcIndexFor(fd, connector);
		}
		drmModeFreeConnector(connector);
	}
	if (!state->connector || crtcIndex < 0 || crtcIndex >= resources->count_crtcs) {
		drmModeFreeResources(resources);
		return Error(ENODEV,
			     device.label() + ": no " +
				     (options.connectorId
					      ? "connector " + std::to_string(options.connectorId)
					      : std::string("connected connector")) +
				     " with a mode and a CRTC");
	}
	state->crtc = resources->crtcs[crtcIndex];
	state->maxWidth = resources->max_width;
	state->maxHeight = resources->max_height;
	state->writebackClones =
		state->writeback && encodersClone(fd, resources, writebackEncoder, displayEncoder);
	drmModeFreeResources(resources);

	auto preferred = std::find_if(state->modes.begin(), state->modes.end(), [](const auto &m) {
		return m.type & DRM_MODE_TYPE_PREFERRED;
	});
	state->mode = preferred != state->modes.end() ? *preferred : state->modes.front();

	drmModePlaneResPtr planes = drmModeGetPlaneResources(fd);
	for (uint32_t i = 0; planes && i < planes->count_planes && !state->plane; i++) {
		uint32_t id = planes->planes[i];
		drmModePlanePtr plane = drmModeGetPlane(fd, id);
		bool onCrtc = plane && (plane->possible_crtcs & (1u << crtcIndex));
		drmModeFreePlane(plane);
		DrmProperties props(fd, id, DRM_MODE_OBJECT_PLANE);
		bool wanted = options.planeId
				      ? id == options.planeId
				      : props.value("type", ~0ull) == DRM_PLANE_TYPE_PRIMARY;
		if (onCrtc && wanted)
			state->plane = id;
	}
	drmModeFreePlaneResources(planes);
	if (!state->plane)
		return Error(ENODEV,
			     device.label() + ": " +
				     (options.planeId
					      ? "plane " + std::to_string(options.planeId) +
							" cannot drive the CRTC"
					      : std::string("no primary plane for the CRTC")));

	state->connectorProps = DrmProperties(fd, state->connector, DRM_MODE_OBJECT_CONNECTOR);
	state->crtcProps = DrmProperties(fd, state->crtc, DRM_MODE_OBJECT_CRTC);
	state->planeProps = DrmProperties(fd, state->plane, DRM_MODE_OBJECT_PLANE);
	state->fbIdProperty = state->planeProps.id("FB_ID");
	state->inFenceProperty = state->planeProps.id("IN_FENCE_FD");
	if (state->writeback)
		state->writebackProps =
			DrmProperties(fd, state->writeback, DRM_MODE_OBJECT_CONNECTOR);
	state->formats = internal::planeFormats(fd, state->plane);
	return KmsDisplay(std::move(state));
}

std::pair<uint32_t, uint32_t> KmsDisplay::maxFrameSize() const
{
	return { state_->maxWidth, state_->maxHeight };
}

std::pair<uint32_t, uint32_t> KmsDisplay::shownSize(uint32_t width, uint32_t height) const
{
	const drmModeModeInfo *mode = &state_->mode;
	if (!state_->modeSet)
		if (const drmModeModeInfo *fits = modeFor(state_->modes, width, height))
			mode = fits;
	if (width >= mode->hdisplay && height >= mode->vdisplay)
		return { mode->hdisplay, mode->vdisplay };
	return { width, height };
}

std::vector<std::pair<uint32_t, uint32_t>> KmsDisplay::modeSizes() const
{
	std::vector<std::pair<uint32_t, uint32_t>> sizes;
	auto add = [&](const drmModeModeInfo &mode) {
		std::pair<uint32_t, uint32_t> size{ mode.hdisplay, mode.vdisplay };
		if (std::find(sizes.begin(), sizes.end(), size) == sizes.end())
			sizes.push_back(size);
	};
	for (const drmModeModeInfo &mode : state_->modes)
		if (mode.type & DRM_MODE_TYPE_PREFERRED)
			add(mode);
	for (const drmModeModeInfo &mode : state_->modes)
		add(mode);
	return sizes;
}

uint32_t KmsDisplay::width() const
{
	return state_->mode.hdisplay;
}

uint32_t KmsDisplay::height() const
{
	return state_->mode.vdisplay;
}

uint32_t KmsDisplay::connectorId() const
{
	return state_->connector;
}

uint32_t KmsDisplay::planeId() const
{
	return state_->plane;
}

uint32_t KmsDisplay::crtcId() const
{
	return state_->crtc;
}

uint64_t KmsDisplay::commits() const
{
	return state_->commits;
}

std::string KmsDisplay::label() const
{
	return state_->device + " connector " + std::to_string(state_->connector) + ", plane " +
	       std::to_string(state_->plane);
}

bool KmsDisplay::planeTakes(uint32_t fourcc, uint64_t modifier) const
{
	DeviceConstraints plane;
	plane.formats = state_->formats;
	return plane.acceptsFormat(fourcc, modifier);
}

bool KmsDisplay::hasWriteback() const
{
	return state_->writeback != 0;
}

Status KmsDisplay::show(uint32_t framebuffer, const Layout &layout)
{
	return commit(framebuffer, layout, -1, false);
}

Status KmsDisplay::showWhenReady(uint32_t framebuffer, const Layout &layout, int inFence)
{
	if (state_->pending)
		return Error(EBUSY, label() + ": a commit is still pending (wait for its flip)");
	if (inFence >= 0 && !state_->inFenceProperty)
		return Error(ENOTSUP, label() + ": the plane has no IN_FENCE_FD property");
	return commit(framebuffer, layout, inFence, true);
}

Status KmsDisplay::commit(uint32_t framebuffer, const Layout &layout, int inFence, bool async)
{
	State &s = *state_;
	/* Blocking commits would wait for the fence inside the ioctl, beyond any timeout. */
	uint32_t flags = async ? DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT : 0;
	/* Plain variables: the lambda below captures them (clang refuses structured bindings). */
	std::pair<uint32_t, uint32_t> shown = shownSize(layout.width, layout.height);
	uint32_t width = shown.first, height = shown.second;
	State::Scanout scanout{ layout.fourcc, layout.modifier, width, height };
	auto failed = [&](int err) {
		std::string what = "atomic commit of " + layout.describe() + " on a " +
				   std::to_string(s.mode.hdisplay) + "x" +
				   std::to_string(s.mode.vdisplay) + " mode";
		if (err == EINVAL && (width != s.mode.hdisplay || height != s.mode.vdisplay))
			what += " (the plane may not scale: the connector has no mode of the "
				"frame's size or smaller)";
		return s.fail(err, what);
	};
	if (s.modeSet && s.fbIdProperty && scanout == s.scanout) {
		if (!s.flip(framebuffer, inFence, flags))
			return failed(errno);
		s.commits++;
		s.pending = async;
		return {};
	}
	if (!planeTakes(layout.fourcc, layout.modifier)) {
		std::string taken;
		for (const FormatModifiers &format : s.formats)
			taken += (taken.empty() ? "" : ", ") + fourccToString(format.fourcc);
		return Error(ENOTSUP, label() + " does not take " + layout.describe() +
					      " (IN_FORMATS: " + taken + ")");
	}
	AtomicRequest atomic;
	if (!s.modeSet) {
		if (const drmModeModeInfo *fits = modeFor(s.modes, layout.width, layout.height))
			s.mode = *fits;
		if (s.modeBlob)
			drmModeDestroyPropertyBlob(s.fd.get(), s.modeBlob);
		if (drmModeCreatePropertyBlob(s.fd.get(), &s.mode, sizeof(s.mode), &s.modeBlob) < 0)
			return s.fail(errno, "mode blob");
		if (!State::add(atomic.req, s.crtc, s.crtcProps, "MODE_ID", s.modeBlob) ||
		    !State::add(atomic.req, s.crtc, s.crtcProps, "ACTIVE", 1) ||
		    !State::add(atomic.req, s.connector, s.connectorProps, "CRTC_ID", s.crtc))
			return Error(ENOTSUP,
				     label() + ": CRTC or connector lacks atomic properties");
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
	}
	bool ok = State::add(atomic.req, s.plane, s.planeProps, "FB_ID", framebuffer) &&
		  State::add(atomic.req, s.plane, s.planeProps, "CRTC_ID", s.crtc) &&
		  State::add(atomic.req, s.plane, s.planeProps, "SRC_X", 0) &&
		  State::add(atomic.req, s.plane, s.planeProps, "SRC_Y", 0) &&
		  State::add(atomic.req, s.plane, s.planeProps, "SRC_W", uint64_t(width) << 16) &&
		  State::add(atomic.req, s.plane, s.planeProps, "SRC_H", uint64_t(height) << 16) &&
		  State::add(atomic.req, s.plane, s.planeProps, "CRTC_X", 0) &&
		  State::add(atomic.req, s.plane, s.planeProps, "CRTC_Y", 0) &&
		  State::add(atomic.req, s.plane, s.planeProps, "CRTC_W", s.mode.hdisplay) &&
		  State::add(atomic.req, s.plane, s.planeProps, "CRTC_H", s.mode.vdisplay);
	if (ok && inFence >= 0)
		ok = State::add(atomic.req, s.plane, s.planeProps, "IN_FENCE_FD",
				uint64_t(int64_t(inFence)));
	if (!ok)
		return Error(ENOTSUP, label() + ": the plane lacks atomic properties");
	if (drmModeAtomicCommit(s.fd.get(), atomic.req, flags, &s) < 0)
		return failed(errno);
	s.modeSet = true;
	s.scanout = scanout;
	s.commits++;
	s.pending = async;
	return {};
}

bool KmsDisplay::flipPending() const
{
	return state_->pending;
}

uint64_t KmsDisplay::flips() const
{
	return state_->flips;
}

Status KmsDisplay::waitForFlip(int timeoutMs)
{
	State &s = *state_;
	auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
	drmEventContext events = {};
	events.version = 3;
	events.page_flip_handler2 = [](int, unsigned, unsigned, unsigned, unsigned, void *data) {
		auto *state = static_cast<State *>(data);
		state->pending = false;
		state->flips++;
	};
	while (s.pending) {
		int left = -1;
		if (timeoutMs >= 0)
			left = int(std::max<int64_t>(
				0, std::chrono::duration_cast<std::chrono::milliseconds>(
					   deadline - std::chrono::steady_clock::now())
					   .count()));
		struct pollfd pfd = { s.fd.get(), POLLIN, 0 };
		int ready = ::poll(&pfd, 1, left);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0)
			return s.fail(errno, "waiting for a page flip");
		if (ready == 0)
			return Error(ETIMEDOUT, label() +
							": the commit's page flip did not come "
							"within " +
							std::to_string(timeoutMs) + " ms");
		if (drmHandleEvent(s.fd.get(), &events) < 0)
			return s.fail(errno, "reading DRM events");
	}
	return {};
}

Status KmsDisplay::disable()
{
	State &s = *state_;
	if (!s.modeSet)
		return {};
	AtomicRequest atomic;
	State::add(atomic.req, s.plane, s.planeProps, "FB_ID", 0);
	State::add(atomic.req, s.plane, s.planeProps, "CRTC_ID", 0);
	State::add(atomic.req, s.connector, s.connectorProps, "CRTC_ID", 0);
	if (s.writeback)
		State::add(atomic.req, s.writeback, s.writebackProps, "CRTC_ID", 0);
	State::add(atomic.req, s.crtc, s.crtcProps, "ACTIVE", 0);
	State::add(atomic.req, s.crtc, s.crtcProps, "MODE_ID", 0);
	if (drmModeAtomicCommit(s.fd.get(), atomic.req, DRM_MODE_ATOMIC_ALLOW_MODESET, nullptr) < 0)
		return s.fail(errno, "disabling the output");
	s.modeSet = false;
	s.commits++;
	return {};
}

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
