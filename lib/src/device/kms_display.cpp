/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One display output through atomic KMS. The first show() sets the mode; later frames
 * like the last only move their plane to a new framebuffer.
 *
 * The mode: the connector's mode of the frame's size when it has one (the frame fills
 * the screen, on the primary plane); else the preferred mode, on which a smaller frame
 * is placed where a plane can show it (kms_placement.cpp: an overlay, centred, over the
 * primary plane showing black; scaled where a plane scales); else, for a frame larger
 * than the preferred mode that no plane can scale, the largest mode inside the frame,
 * whose top-left corner is shown (as upstream kmssink crops a frame larger than the
 * screen). What each plane can do was asked of the kernel (kms_planes.cpp).
 */
#include <algorithm>
#include <chrono>
#include <cstring>
#include <poll.h>

#include <drm_fourcc.h>

#include "../internal/private.h"
#include "kms_display_state.h"

namespace dmabridge {

using internal::DrmProperties;

namespace {

/* The mode of the frame's size, else the largest (by area) inside it; null if none. */
const drmModeModeInfo *modeInside(const std::vector<drmModeModeInfo> &modes, uint32_t width,
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

/* The connectors: the display one (as options ask) and the first writeback one. */
Status findConnectors(KmsDisplay::State &s, drmModeResPtr resources, uint32_t connectorId)
{
	int fd = s.fd.get();
	uint32_t displayEncoder = 0, writebackEncoder = 0;
	s.crtcIndex = -1;
	for (int i = 0; i < resources->count_connectors; i++) {
		drmModeConnectorPtr connector = drmModeGetConnector(fd, resources->connectors[i]);
		if (!connector)
			continue;
		bool isWriteback = connector->connector_type == DRM_MODE_CONNECTOR_WRITEBACK;
		bool wanted = connectorId ? connector->connector_id == connectorId
					  : connector->connection == DRM_MODE_CONNECTED;
		uint32_t encoder = connector->count_encoders ? connector->encoders[0] : 0;
		if (isWriteback && !s.writeback) {
			s.writeback = connector->connector_id;
			writebackEncoder = encoder;
		} else if (!isWriteback && wanted && !s.connector && connector->count_modes) {
			s.connector = connector->connector_id;
			displayEncoder = encoder;
			s.modes.assign(connector->modes, connector->modes + connector->count_modes);
			s.crtcIndex = crtcIndexFor(fd, connector);
		}
		drmModeFreeConnector(connector);
	}
	if (!s.connector || s.crtcIndex < 0 || s.crtcIndex >= resources->count_crtcs)
		return Error(ENODEV,
			     s.device + ": no " +
				     (connectorId ? "connector " + std::to_string(connectorId)
						  : std::string("connected connector")) +
				     " with a mode and a CRTC");
	s.crtc = resources->crtcs[s.crtcIndex];
	s.writebackClones =
		s.writeback && encodersClone(fd, resources, writebackEncoder, displayEncoder);
	return {};
}

/* The primary plane of the CRTC; the plane asked for must be able to drive it too. */
Status findPrimary(KmsDisplay::State &s)
{
	std::vector<uint32_t> ids = internal::planesOfCrtc(s.fd.get(), s.crtcIndex);
	for (uint32_t id : ids)
		if (!s.primary &&
		    DrmProperties(s.fd.get(), id, DRM_MODE_OBJECT_PLANE).value("type", ~0ull) ==
			    DRM_PLANE_TYPE_PRIMARY)
			s.primary = id;
	if (!s.primary)
		return Error(ENODEV, s.device + ": no primary plane for the CRTC");
	uint32_t asked = s.options.planeId;
	if (asked && std::find(ids.begin(), ids.end(), asked) == ids.end())
		return Error(ENODEV, s.device + ": plane " + std::to_string(asked) +
					     " cannot drive the CRTC");
	return {};
}

} /* namespace */

bool KmsDisplay::State::addModeset(drmModeAtomicReqPtr req) const
{
	return add(req, crtc, crtcProps, "MODE_ID", modeBlob) &&
	       add(req, crtc, crtcProps, "ACTIVE", 1) &&
	       add(req, connector, connectorProps, "CRTC_ID", crtc);
}

bool KmsDisplay::State::addPlane(drmModeAtomicReqPtr req, uint32_t plane, uint32_t framebuffer,
				 const Rect &source, const Rect &destination) const
{
	auto props = planeProps.find(plane);
	if (props == planeProps.end())
		return false;
	const DrmProperties &p = props->second;
	return add(req, plane, p, "FB_ID", framebuffer) && add(req, plane, p, "CRTC_ID", crtc) &&
	       add(req, plane, p, "SRC_X", uint64_t(source.x) << 16) &&
	       add(req, plane, p, "SRC_Y", uint64_t(source.y) << 16) &&
	       add(req, plane, p, "SRC_W", uint64_t(source.width) << 16) &&
	       add(req, plane, p, "SRC_H", uint64_t(source.height) << 16) &&
	       add(req, plane, p, "CRTC_X", uint64_t(int64_t(destination.x))) &&
	       add(req, plane, p, "CRTC_Y", uint64_t(int64_t(destination.y))) &&
	       add(req, plane, p, "CRTC_W", destination.width) &&
	       add(req, plane, p, "CRTC_H", destination.height);
}

bool KmsDisplay::State::addPlaneOff(drmModeAtomicReqPtr req, uint32_t plane) const
{
	auto props = planeProps.find(plane);
	return props != planeProps.end() && add(req, plane, props->second, "FB_ID", 0) &&
	       add(req, plane, props->second, "CRTC_ID", 0);
}

void KmsDisplay::State::setPlacement(const Placement &committed)
{
	placement = committed;
	auto props = planeProps.find(committed.planeId);
	flipFramebuffer = props == planeProps.end() ? 0 : props->second.id("FB_ID");
	flipFence = props == planeProps.end() ? 0 : props->second.id("IN_FENCE_FD");
}

Status KmsDisplay::State::modeBlobFor()
{
	if (modeBlob)
		drmModeDestroyPropertyBlob(fd.get(), modeBlob);
	modeBlob = 0;
	if (drmModeCreatePropertyBlob(fd.get(), &mode, sizeof(mode), &modeBlob) < 0)
		return fail(errno, "mode blob");
	return {};
}

DMABRIDGE_DEFINE_PRIVATE(KmsDisplay)

Result<KmsDisplay> KmsDisplay::open(const DrmDevice &device, const Options &options)
{
	auto state = std::make_unique<State>();
	State &s = *state;
	s.drm = device;
	s.fd = device.sharedFd();
	s.device = device.label();
	s.options = options;
	int fd = s.fd.get();

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
	Status found = findConnectors(s, resources, options.connectorId);
	s.maxWidth = resources->max_width;
	s.maxHeight = resources->max_height;
	drmModeFreeResources(resources);
	if (!found)
		return found.error();
	if (Status primary = findPrimary(s); !primary)
		return primary.error();

	auto preferred = std::find_if(s.modes.begin(), s.modes.end(), [](const auto &m) {
		return m.type & DRM_MODE_TYPE_PREFERRED;
	});
	s.mode = preferred != s.modes.end() ? *preferred : s.modes.front();
	s.connectorProps = DrmProperties(fd, s.connector, DRM_MODE_OBJECT_CONNECTOR);
	s.crtcProps = DrmProperties(fd, s.crtc, DRM_MODE_OBJECT_CRTC);
	for (uint32_t id : internal::planesOfCrtc(fd, s.crtcIndex))
		s.planeProps[id] = DrmProperties(fd, id, DRM_MODE_OBJECT_PLANE);
	if (s.writeback)
		s.writebackProps = DrmProperties(fd, s.writeback, DRM_MODE_OBJECT_CONNECTOR);
	s.ownBuffers = std::make_unique<FramebufferCache>(device);
	return KmsDisplay(std::move(state));
}

std::pair<uint32_t, uint32_t> KmsDisplay::maxFrameSize() const
{
	return { state_->maxWidth, state_->maxHeight };
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

/* Takes mode (unless it is the one already) and asks the planes what they do on it. */
static Status useMode(KmsDisplay::State &s, const drmModeModeInfo &mode)
{
	if (!s.modeBlob || std::memcmp(&mode, &s.mode, sizeof(mode))) {
		s.mode = mode;
		if (Status blob = s.modeBlobFor(); !blob)
			return blob;
	}
	return s.probePlanes();
}

/* The mode for a frame before the first commit: see the top of the file. */
Status KmsDisplay::chooseMode(uint32_t width, uint32_t height)
{
	State &s = *state_;
	if (s.modeSet)
		return {};
	auto found = std::find_if(s.modes.begin(), s.modes.end(),
				  [](const auto &m) { return m.type & DRM_MODE_TYPE_PREFERRED; });
	const drmModeModeInfo &preferred = found != s.modes.end() ? *found : s.modes.front();
	const drmModeModeInfo *inside = modeInside(s.modes, width, height);
	if (!inside || s.options.renderRectangle)
		return useMode(s, preferred);
	if (inside->hdisplay == width && inside->vdisplay == height)
		return useMode(s, *inside);
	if (width <= preferred.hdisplay && height <= preferred.vdisplay)
		return useMode(s, preferred);
	/* Larger than the preferred mode: scaled down to it where a plane can, else cropped. */
	if (Status probed = useMode(s, preferred); !probed)
		return probed;
	bool scales = std::any_of(s.planes.begin(), s.planes.end(), [](const KmsPlane &p) {
		return p.scales.value && p.type != KmsPlane::Type::Cursor;
	});
	return scales ? Status() : useMode(s, *inside);
}

Result<Placement> KmsDisplay::place(uint32_t fourcc, uint64_t modifier, uint32_t width,
				    uint32_t height)
{
	State &s = *state_;
	if ((s.maxWidth && width > s.maxWidth) || (s.maxHeight && height > s.maxHeight)) {
		Placement none;
		none.reason = "no plane can show " + std::to_string(width) + "x" +
			      std::to_string(height) + " " + formatName(fourcc) +
			      ": the largest framebuffer it takes is " +
			      std::to_string(s.maxWidth) + "x" + std::to_string(s.maxHeight);
		return none;
	}
	if (Status mode = chooseMode(width, height); !mode)
		return mode.error();
	PlacementRequest request;
	request.fourcc = fourcc;
	request.modifier = modifier;
	request.width = width;
	request.height = height;
	request.modeWidth = s.mode.hdisplay;
	request.modeHeight = s.mode.vdisplay;
	request.renderRectangle = s.options.renderRectangle;
	request.keepAspect = s.options.keepAspect;
	request.planeId = s.options.planeId;
	return placeFrame(s.planes, request);
}

std::pair<uint32_t, uint32_t> KmsDisplay::shownSize(uint32_t width, uint32_t height)
{
	Result<Placement> placement = place(DRM_FORMAT_XRGB8888, kModifierLinear, width, height);
	if (!placement || !placement->planeId)
		return { 0, 0 };
	return { placement->source.width, placement->source.height };
}

const std::vector<KmsPlane> &KmsDisplay::planes() const
{
	return state_->planes;
}

const Placement &KmsDisplay::placement() const
{
	return state_->placement;
}

void KmsDisplay::setRenderRectangle(std::optional<Rect> rectangle)
{
	if (state_->options.renderRectangle == rectangle)
		return;
	state_->options.renderRectangle = rectangle;
	state_->placementStale = true;
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
	return state_->placement.planeId ? state_->placement.planeId : state_->primary;
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
	return state_->device + " connector " + std::to_string(state_->connector);
}

bool KmsDisplay::hasWriteback() const
{
	return state_->writeback != 0;
}

/*
 * Moves the plane to another framebuffer (waiting for inFence, a sync_file, when not -1):
 * an atomic commit of FB_ID (and IN_FENCE_FD) alone, made without libdrm's request (which
 * allocates, copies and sorts on every commit), with the property ids found at placing.
 */
static bool flip(KmsDisplay::State &s, uint32_t framebuffer, int inFence, uint32_t flags)
{
	if (!s.flipFramebuffer || (inFence >= 0 && !s.flipFence)) {
		errno = ENOTSUP;
		return false;
	}
	uint32_t objects[] = { s.placement.planeId }, counts[] = { inFence >= 0 ? 2u : 1u };
	uint32_t ids[] = { s.flipFramebuffer, s.flipFence };
	uint64_t values[] = { framebuffer, uint64_t(int64_t(inFence)) };
	drm_mode_atomic atomic = {};
	atomic.flags = flags;
	atomic.count_objs = 1;
	atomic.objs_ptr = reinterpret_cast<uintptr_t>(objects);
	atomic.count_props_ptr = reinterpret_cast<uintptr_t>(counts);
	atomic.props_ptr = reinterpret_cast<uintptr_t>(ids);
	atomic.prop_values_ptr = reinterpret_cast<uintptr_t>(values);
	atomic.user_data = reinterpret_cast<uintptr_t>(&s);
	return drmIoctl(s.fd.get(), DRM_IOCTL_MODE_ATOMIC, &atomic) == 0;
}

Status KmsDisplay::show(uint32_t framebuffer, const Layout &layout)
{
	return commit(framebuffer, layout, -1, false);
}

Status KmsDisplay::showWhenReady(uint32_t framebuffer, const Layout &layout, int inFence)
{
	if (state_->pending)
		return Error(EBUSY, label() + ": a commit is still pending (wait for its flip)");
	return commit(framebuffer, layout, inFence, true);
}

Status KmsDisplay::commit(uint32_t framebuffer, const Layout &layout, int inFence, bool async)
{
	State &s = *state_;
	/* Blocking commits would wait for the fence inside the ioctl, beyond any timeout. */
	uint32_t flags = async ? DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT : 0;
	State::Scanout scanout{ layout.fourcc, layout.modifier, layout.width, layout.height };
	auto failed = [&](int err, const std::string &where) {
		return s.fail(err, "atomic commit of " + layout.describe() + " (" + where + ")");
	};
	if (s.modeSet && !s.placementStale && scanout == s.scanout) {
		if (!flip(s, framebuffer, inFence, flags))
			return failed(errno, s.placement.reason);
		s.commits++;
		s.pending = async;
		return {};
	}
	Result<Placement> placement =
		place(layout.fourcc, layout.modifier, layout.width, layout.height);
	if (!placement)
		return placement.error();
	if (!placement->planeId)
		return Error(ENOTSUP, s.device + ": " + placement->reason);

	AtomicRequest atomic;
	bool ok = true;
	if (!s.modeSet) {
		ok = s.addModeset(atomic.req);
		flags |= DRM_MODE_ATOMIC_ALLOW_MODESET;
	}
	Rect screen{ 0, 0, s.mode.hdisplay, s.mode.vdisplay };
	if (ok && !placement->onPrimary()) {
		Result<uint32_t> black = s.black();
		if (!black)
			return black.error();
		ok = s.addPlane(atomic.req, s.primary, *black, screen, screen);
	}
	ok = ok && s.addPlane(atomic.req, placement->planeId, framebuffer, placement->source,
			      placement->destination);
	uint32_t previous = s.modeSet ? s.placement.planeId : 0;
	if (ok && previous && previous != placement->planeId && previous != s.primary)
		ok = s.addPlaneOff(atomic.req, previous);
	if (ok && inFence >= 0)
		ok = State::add(atomic.req, placement->planeId, s.planeProps[placement->planeId],
				"IN_FENCE_FD", uint64_t(int64_t(inFence)));
	if (!ok)
		return Error(ENOTSUP, label() + ": the CRTC, connector or plane " +
					      std::to_string(placement->planeId) +
					      " lacks atomic properties");
	if (drmModeAtomicCommit(s.fd.get(), atomic.req, flags, &s) < 0)
		return failed(errno, placement->reason);
	s.setPlacement(*placement);
	s.modeSet = true;
	s.placementStale = false;
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
	if (s.waiting.exchange(true))
		return Error(EBUSY, label() + ": another thread is waiting for the page flip; the "
					      "event is read once, and a second waiter would "
					      "wait for good");
	struct Waiting
	{
		std::atomic<bool> &flag;
		~Waiting() { flag = false; }
	} waiting{ s.waiting };
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
	s.addPlaneOff(atomic.req, s.primary);
	if (s.placement.planeId && s.placement.planeId != s.primary)
		s.addPlaneOff(atomic.req, s.placement.planeId);
	State::add(atomic.req, s.connector, s.connectorProps, "CRTC_ID", 0);
	if (s.writeback)
		State::add(atomic.req, s.writeback, s.writebackProps, "CRTC_ID", 0);
	State::add(atomic.req, s.crtc, s.crtcProps, "ACTIVE", 0);
	State::add(atomic.req, s.crtc, s.crtcProps, "MODE_ID", 0);
	if (drmModeAtomicCommit(s.fd.get(), atomic.req, DRM_MODE_ATOMIC_ALLOW_MODESET, nullptr) < 0)
		return s.fail(errno, "disabling the output");
	s.modeSet = false;
	s.setPlacement({});
	s.commits++;
	return {};
}

} /* namespace dmabridge */
