/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridgekmssink: shows frames through atomic KMS.
 *
 * dma-buf input is imported once per distinct buffer (by inode) and shown as it is, on
 * the plane the display chooses for its size and format (kms_plane.h: the primary plane
 * when it fills the mode, else an overlay placed in the render rectangle); the
 * framebuffer goes when the memory does. Each frame is a non-blocking commit with a
 * page-flip event; a frame's sync_file (its writer's fence) is the plane's IN_FENCE_FD, so
 * the kernel waits for it, not the CPU. A buffer goes back upstream when the frame after
 * it is on screen; a fence that never signals ends in an error naming it. Other input, a
 * buffer the display refuses, or a
 * frame no plane can show, is copied once into a buffer of the display's own (of the
 * mode's size, black around the frame, for the last), counted and logged on
 * GST_PERFORMANCE with the reason. Upstream is offered a pool planned for the display and
 * for the device that fills it, when an element upstream names one (v4l2src
 * io-mode=dmabuf-import), and the display's constraints travel upstream in the
 * allocation query. With readback=true, EOS captures what the CRTC output through the
 * writeback connector and compares it with the last frame, where the frame was placed.
 */
#include "kms_sink.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <drm_fourcc.h>
#include <gst/video/gstvideosink.h>
#include <gst/video/videooverlay.h>

#include <dmabridge/drm.h>
#include <dmabridge/frame_copy.h>
#include <dmabridge/heap.h>
#include <dmabridge/kms.h>
#include <dmabridge/plan.h>

#include "../common/caps.h"
#include "../common/constraints_query.h"
#include "../common/dmabuf_memory.h"
#include "../common/frame_access.h"
#include "../common/object_impl.h"
#include "../common/peer_devices.h"
#include "../common/planned_pool.h"
#include "../common/snapshot.h"
#include "../common/stats.h"
#include "../common/sync_file_meta.h"

GST_DEBUG_CATEGORY_STATIC(kms_sink_debug);
GST_DEBUG_CATEGORY_STATIC(performance);
#define GST_CAT_DEFAULT kms_sink_debug

using namespace dmabridge;

namespace {

/* The framebuffer cache, shared with memories' destroy notifications (any thread). */
struct Importer
{
	std::mutex lock;
	FramebufferCache cache;
	explicit Importer(const DrmDevice &device) : cache(device) {}
};

/* Tied to each imported GstMemory: drops its framebuffer when the memory goes. */
struct ImportTag
{
	std::weak_ptr<Importer> importer;
	BufferIdentity identity;
};

GQuark importQuark()
{
	static GQuark quark = g_quark_from_static_string("dmabridge-kms-import");
	return quark;
}

/* On upstream memory the display refused: why, so its next frames go straight to a copy. */
GQuark refusedQuark()
{
	static GQuark quark = g_quark_from_static_string("dmabridge-kms-refused");
	return quark;
}

struct SinkImpl
{
	/* Properties. */
	std::string driverName;
	std::string devicePath;
	guint connectorId = 0;
	guint planeId = 0;
	bool readback = false;
	std::string snapshotLocation;
	bool keepAspect = true;
	std::string producerDevice;
	/* QoS was turned off while nothing upstream acts on it (quietQos). */
	bool qosQuieted = false;
	/* The render rectangle (GstVideoOverlay), taken by the streaming thread. */
	std::mutex rectangleLock;
	std::optional<Rect> renderRectangle;
	bool rectangleChanged = false;

	std::optional<DrmDevice> drm;
	std::optional<KmsDisplay> display;
	std::shared_ptr<Importer> importer;
	DeviceConstraints constraints;
	gst::VideoCaps video;
	bool haveInfo = false;
	gst::ElementStats stats;

	/* A frame committed: its buffer, its dma-bufs, and which part of it goes where. */
	struct Frame
	{
		GstBuffer *buffer = nullptr;
		std::vector<DmaBuf> dmabufs;
		Layout layout;
		Rect source, destination;
	};
	/* On screen: given back upstream once the next frame is (its page flip came). */
	Frame shown;
	/* Committed, waiting for its fence and the vblank: on screen at its page flip. */
	Frame pending;
	GstBuffer *prerolled = nullptr; /* shown by preroll, not yet rendered (no ref) */
	bool postedAtEos = false;       /* stats (and readback) already posted at EOS */
	guint fenceTimeout = 10000;     /* ms a frame's fence and flip may take */
	uint64_t fenced = 0;            /* frames committed with an IN_FENCE_FD */

	/*
	 * The copy path: buffers of the display's own. Padded: no plane can show the frames
	 * (placement says why and where they would go), so each is copied once into a
	 * black buffer of the mode's size, there.
	 */
	std::vector<DmaBuf> copyBuffers;
	Layout copyLayout;
	unsigned nextCopy = 0;
	std::optional<Placement> padded;
	uint32_t paddedFourcc = 0;
	/* What the explanation last said (why frames are copied, or where they are shown
	 * without), unset before the first frame: rebuilt only when it changes. */
	std::optional<std::string> explained;
	/* The placement's reason when the explanation says zero-copy, else unset. */
	std::optional<std::string> explainedPlacement;
};

SinkImpl *impl(gpointer sink)
{
	return static_cast<SinkImpl *>(reinterpret_cast<GstDmabridgeKmsSink *>(sink)->impl_);
}

enum
{
	PROP_0,
	PROP_DRIVER_NAME,
	PROP_DEVICE,
	PROP_CONNECTOR_ID,
	PROP_PLANE_ID,
	PROP_READBACK,
	PROP_SNAPSHOT_LOCATION,
	PROP_FORCE_ASPECT_RATIO,
	PROP_PRODUCER_DEVICE,
	PROP_FENCE_TIMEOUT,
	PROP_FLIPS,
	PROP_LAST /* then GstVideoOverlay's render-rectangle */
};

} /* namespace */

static void overlay_init(GstVideoOverlayInterface *iface);

G_DEFINE_TYPE_WITH_CODE(GstDmabridgeKmsSink, gst_dmabridge_kms_sink, GST_TYPE_VIDEO_SINK,
			G_IMPLEMENT_INTERFACE(GST_TYPE_VIDEO_OVERLAY, overlay_init))

static Result<DrmDevice> openDevice(const SinkImpl &s)
{
	if (!s.devicePath.empty())
		return DrmDevice::open(s.devicePath);
	if (!s.driverName.empty())
		return DrmDevice::openByDriver(s.driverName);
	Result<DrmDevice> display = DrmDevice::openDisplayDevice();
	if (!display)
		return Error(ENODEV, display.error().message() + " (set driver-name or device)");
	return display;
}

/*
 * Opens the display before GstBaseSink starts (in NULL to READY): a failure is one error,
 * ours (GstBaseSink adds a generic one of its own to a start() that fails).
 */
static bool openDisplay(GstElement *element)
{
	SinkImpl &s = *impl(element);
	Result<DrmDevice> drm = openDevice(s);
	if (!drm) {
		GST_ELEMENT_ERROR(element, RESOURCE, OPEN_READ_WRITE,
				  ("%s", drm.error().describe().c_str()), (nullptr));
		return false;
	}
	KmsDisplay::Options options;
	options.connectorId = s.connectorId;
	options.planeId = s.planeId;
	options.keepAspect = s.keepAspect;
	{
		std::lock_guard<std::mutex> locker(s.rectangleLock);
		options.renderRectangle = s.renderRectangle;
		s.rectangleChanged = false;
	}
	Result<KmsDisplay> display = KmsDisplay::open(*drm, options);
	if (!display) {
		GST_ELEMENT_ERROR(element, RESOURCE, OPEN_READ_WRITE,
				  ("%s", display.error().describe().c_str()), (nullptr));
		return false;
	}
	Result<DeviceConstraints> constraints = drm->probe();
	if (!constraints) {
		GST_ELEMENT_ERROR(element, RESOURCE, SETTINGS,
				  ("%s", constraints.error().describe().c_str()), (nullptr));
		return false;
	}
	s.constraints = std::move(*constraints);
	s.importer = std::make_shared<Importer>(*drm);
	s.drm = std::move(*drm);
	s.display = std::move(*display);
	GST_INFO_OBJECT(element, "showing on %s", s.display->label().c_str());
	return true;
}

static gboolean sink_start(GstBaseSink *base)
{
	SinkImpl &s = *impl(base);
	s.stats.reset();
	s.explained.reset();
	s.explainedPlacement.reset();
	return s.display.has_value();
}

static void releaseShown(SinkImpl &s)
{
	for (SinkImpl::Frame *frame : { &s.shown, &s.pending }) {
		if (frame->buffer)
			gst_buffer_unref(frame->buffer);
		*frame = {};
	}
}

/*
 * Waits for the pending commit's page flip: then its frame is on screen and the one it
 * replaced goes back upstream. An error says whether its fence never signalled.
 */
static Status settle(SinkImpl &s)
{
	if (!s.display || !s.display->flipPending())
		return {};
	Status flipped = s.display->waitForFlip(int(s.fenceTimeout));
	if (!flipped) {
		if (flipped.error().code() == ETIMEDOUT &&
		    !gst::syncFileSignalled(s.pending.buffer))
			return Error(ETIMEDOUT,
				     s.display->label() +
					     ": the frame's fence (its sync_file from "
					     "upstream) did not signal within " +
					     std::to_string(s.fenceTimeout) +
					     " ms; the display keeps the frame before it");
		return flipped;
	}
	if (s.shown.buffer)
		gst_buffer_unref(s.shown.buffer);
	/* The two frames swap places, so that their dma-buf lists keep their storage. */
	std::swap(s.shown, s.pending);
	s.pending.buffer = nullptr;
	s.pending.dmabufs.clear();
	return {};
}

/*
 * A commit whose fence never signalled holds the CRTC: any later commit, and closing
 * the device, would wait for it inside the kernel. A thread waits for it instead (the
 * fence's owner may still signal it, as a GPU reset would), then turns the output off
 * and lets the buffers go; the pipeline reaches NULL meanwhile.
 */
static void leaveStuckDisplay(SinkImpl &s)
{
	struct Stuck
	{
		KmsDisplay display;
		DrmDevice drm;
		std::shared_ptr<Importer> importer;
		GstBuffer *shown, *pending;
	};
	/* The framebuffers go with it: removing one the commit holds would wait too. */
	auto *stuck = new Stuck{ std::move(*s.display), std::move(*s.drm), std::move(s.importer),
				 std::exchange(s.shown.buffer, nullptr),
				 std::exchange(s.pending.buffer, nullptr) };
	GST_WARNING("%s: a commit waits for a fence that has not signalled; the output is "
		    "turned off once it does",
		    stuck->display.label().c_str());
	std::thread([stuck] {
		(void)stuck->display.waitForFlip(-1);
		(void)stuck->display.disable();
		for (GstBuffer *buffer : { stuck->shown, stuck->pending })
			if (buffer)
				gst_buffer_unref(buffer);
		{
			std::lock_guard<std::mutex> locker(stuck->importer->lock);
			stuck->importer->cache.clear();
		}
		delete stuck;
	}).detach();
	s.display.reset();
	s.drm.reset();
}

static GstStructure *report(GstBaseSink *base, bool readback);
static gboolean sink_stop(GstBaseSink *base);

/*
 * Any raw video the pad template takes is accepted, so that set_caps refuses what the
 * display can't show saying why (placeFrames), rather than ACCEPT_CAPS refusing it
 * silently and upstream posting only "not-negotiated".
 */
static gboolean sink_query(GstBaseSink *base, GstQuery *query)
{
	if (GST_QUERY_TYPE(query) != GST_QUERY_ACCEPT_CAPS)
		return GST_BASE_SINK_CLASS(gst_dmabridge_kms_sink_parent_class)->query(base, query);
	GstCaps *caps = nullptr;
	gst_query_parse_accept_caps(query, &caps);
	GstCaps *templ = gst_pad_get_pad_template_caps(GST_BASE_SINK_PAD(base));
	gst_query_set_accept_caps_result(query, gst_caps_is_subset(caps, templ));
	gst_caps_unref(templ);
	return TRUE;
}

/*
 * On the way to NULL the stats go out at PAUSED to READY: GstBaseSink stops in READY to
 * NULL, when the pipeline's bus already drops messages. Live sources that never send EOS
 * (libcamerasrc) get their writeback proof here too. They go out after the parent's
 * change: its pad deactivation waits for a render under way, which may be waiting for the
 * pending flip; the report's readback waits for that flip too, and of two threads waiting
 * on the display's fd only one reads the event, the other waiting for good.
 */
static GstStateChangeReturn sink_change_state(GstElement *element, GstStateChange transition)
{
	SinkImpl &s = *impl(element);
	if (transition == GST_STATE_CHANGE_NULL_TO_READY && !openDisplay(element))
		return GST_STATE_CHANGE_FAILURE;
	GstStateChangeReturn ret = GST_ELEMENT_CLASS(gst_dmabridge_kms_sink_parent_class)
					   ->change_state(element, transition);
	if (transition == GST_STATE_CHANGE_NULL_TO_READY && ret == GST_STATE_CHANGE_FAILURE)
		sink_stop(GST_BASE_SINK(element)); /* GstBaseSink stops only what it started */
	if (transition == GST_STATE_CHANGE_PAUSED_TO_READY) {
		s.stats.post(element, report(GST_BASE_SINK(element), !s.postedAtEos));
		s.postedAtEos = false;
	}
	return ret;
}

static gboolean sink_stop(GstBaseSink *base)
{
	SinkImpl &s = *impl(base);
	if (s.display && s.display->flipPending() &&
	    (!gst::syncFileSignalled(s.pending.buffer) ||
	     !s.display->waitForFlip(int(s.fenceTimeout))))
		leaveStuckDisplay(s);
	if (s.display)
		(void)s.display->disable();
	releaseShown(s);
	s.prerolled = nullptr;
	s.copyBuffers.clear();
	s.padded.reset();
	if (s.importer) {
		std::lock_guard<std::mutex> locker(s.importer->lock);
		s.importer->cache.clear();
	}
	s.importer.reset();
	s.display.reset();
	if (s.qosQuieted)
		gst_base_sink_set_qos_enabled(base, TRUE);
	s.qosQuieted = false;
	s.drm.reset();
	s.haveInfo = false;
	return TRUE;
}

/*
 * The sizes of the modes first (the frame fills the screen, on the primary plane), then
 * any larger frame, which the display crops to the largest mode inside it (one range for
 * each mode that no smaller mode fits inside), then any size: placed on an overlay, or
 * copied into a frame of the mode's size where no plane can show it.
 */
static std::vector<gst::SizeRange> displaySizes(const KmsDisplay &display)
{
	auto [maxWidth, maxHeight] = display.maxFrameSize();
	maxWidth = std::min(maxWidth ? maxWidth : kMaxDimension, kMaxDimension);
	maxHeight = std::min(maxHeight ? maxHeight : kMaxDimension, kMaxDimension);
	std::vector<std::pair<uint32_t, uint32_t>> modes = display.modeSizes();
	std::vector<gst::SizeRange> sizes;
	for (const auto &[width, height] : modes)
		sizes.push_back({ width, height, width, height });
	/* Not a structured binding: clang before 16 cannot capture one in a lambda. */
	for (const std::pair<uint32_t, uint32_t> &mode : modes) {
		bool smallest = std::none_of(modes.begin(), modes.end(), [&](const auto &other) {
			return other != mode && other.first <= mode.first &&
			       other.second <= mode.second;
		});
		if (smallest && mode.first <= maxWidth && mode.second <= maxHeight)
			sizes.push_back({ mode.first, mode.second, maxWidth, maxHeight });
	}
	sizes.push_back({ 1, 1, maxWidth, maxHeight });
	return sizes;
}

static GstCaps *sink_get_caps(GstBaseSink *base, GstCaps *filter)
{
	SinkImpl &s = *impl(base);
	GstCaps *any = gst_pad_get_pad_template_caps(GST_BASE_SINK_PAD(base));
	if (!s.drm)
		return gst::applyFilter(any, filter, false);
	/* The display's order first: it knows which format it shows best. */
	GstCaps *caps = gst::applyFilter(
		gst::capsFor(s.constraints.formats, displaySizes(*s.display)), filter, false);
	if (filter && !gst_caps_is_empty(filter) && gst_caps_is_empty(caps)) {
		/*
		 * Upstream makes nothing the display shows. Its caps are taken all the same,
		 * so that set_caps refuses them saying why: upstream's own error would say
		 * only "not-negotiated".
		 */
		gst_caps_unref(caps);
		return gst::applyFilter(any, filter, true);
	}
	gst_caps_unref(any);
	return caps;
}

/*
 * Where frames of video go: on a plane (s.padded unset), or, where no plane can show
 * them, copied into a frame of the mode's size (s.padded: where), in a format the
 * primary plane takes. False, with why, when neither can be.
 */
static bool placeFrames(SinkImpl &s, const gst::VideoCaps &video, std::string &why)
{
	s.padded.reset();
	uint32_t width = uint32_t(video.info.width), height = uint32_t(video.info.height);
	Result<Placement> placed = s.display->place(video.fourcc, video.modifier, width, height);
	if (!placed) {
		why = placed.error().describe();
		return false;
	}
	if (placed->planeId)
		return true;
	why = s.display->label() + ": " + placed->reason;
	uint32_t target = s.constraints.acceptsFormat(video.fourcc)          ? video.fourcc
			  : s.constraints.acceptsFormat(DRM_FORMAT_XRGB8888) ? DRM_FORMAT_XRGB8888
									     : 0;
	if (placed->destination.empty() || !target || !canCopyPixels(video.fourcc, target)) {
		if (!placed->destination.empty())
			why += "; nor can a copy turn " + gst::drmFormatString(video.fourcc, 0) +
			       " into a format the primary plane takes";
		return false;
	}
	s.padded = *placed;
	s.paddedFourcc = target;
	return true;
}

/*
 * GstBaseSink sends a QoS event upstream after each frame it renders. When nothing
 * upstream acts on them (a live camera straight into the sink), they are only work a
 * frame: off until the sink stops, when the property reads what was set again.
 */
static void quietQos(GstBaseSink *base)
{
	SinkImpl &s = *impl(base);
	std::string source;
	if (s.qosQuieted || !gst_base_sink_is_qos_enabled(base) ||
	    !gst::qosHeardByNoOne(GST_BASE_SINK_PAD(base), source))
		return;
	GST_INFO_OBJECT(base, "no QoS events: %s upstream does not act on them", source.c_str());
	gst_base_sink_set_qos_enabled(base, FALSE);
	s.qosQuieted = true;
}

static gboolean sink_set_caps(GstBaseSink *base, GstCaps *caps)
{
	SinkImpl &s = *impl(base);
	gst::VideoCaps video;
	if (!gst::takeVideoCaps(GST_ELEMENT(base), caps, video))
		return FALSE;
	std::string why;
	if (!placeFrames(s, video, why)) {
		GST_ELEMENT_ERROR(base, CORE, NEGOTIATION, ("%s", why.c_str()), (nullptr));
		return FALSE;
	}
	s.video = video;
	s.haveInfo = true;
	s.copyBuffers.clear();
	quietQos(base);
	return TRUE;
}

static gboolean sink_propose_allocation(GstBaseSink *base, GstQuery *query)
{
	SinkImpl &s = *impl(base);
	gst::addConstraints(query, s.constraints);
	gst::announceConstraints(GST_BASE_SINK_PAD(base), s.constraints);
	gst_query_add_allocation_meta(query, GST_VIDEO_META_API_TYPE, nullptr);
	/* Frames may come with a sync_file: the display waits for it, not upstream. */
	gst_query_add_allocation_meta(query, gst::syncFileMetaApiType(), nullptr);

	/* An upstream element that imports into the pool (v4l2src) is planned for too. */
	gst::offerPlannedPool(GST_ELEMENT(base), query, { s.constraints }, 3, &s.stats, 2,
			      gst::importerUpstream(GST_BASE_SINK_PAD(base), s.producerDevice));
	return TRUE;
}

/*
 * Imports dma-bufs (once each) into a framebuffer. Buffers of upstream's memory (owner)
 * drop their framebuffer when that memory goes; the sink's own copy buffers at stop.
 */
static Result<uint32_t> import(SinkImpl &s, GstMemory *owner, const std::vector<DmaBuf> &dmabufs,
			       const Layout &layout)
{
	std::lock_guard<std::mutex> locker(s.importer->lock);
	uint64_t before = s.importer->cache.imports();
	Result<uint32_t> fb = s.importer->cache.framebuffer(dmabufs, layout);
	if (fb && s.importer->cache.imports() != before) {
		s.stats.imports++;
		if (!owner)
			return fb;
		gst_mini_object_set_qdata(
			GST_MINI_OBJECT(owner), importQuark(),
			new ImportTag{ s.importer, dmabufs[0].identity() }, [](gpointer data) {
				auto *tag = static_cast<ImportTag *>(data);
				if (auto importer = tag->importer.lock()) {
					std::lock_guard<std::mutex> lock(importer->lock);
					importer->cache.release(tag->identity);
				}
				delete tag;
			});
	}
	return fb;
}

/*
 * The display's own buffers for copies, three, made once: of the frame's size, or padded,
 * of the mode's, black where the frames don't go (written once, not a frame's pixels).
 */
static Status allocateCopyBuffers(SinkImpl &s, const Layout &source)
{
	uint32_t fourcc = s.padded ? s.paddedFourcc : source.fourcc;
	uint32_t width = s.padded ? s.display->width() : source.width;
	uint32_t height = s.padded ? s.display->height() : source.height;
	Result<Layout> wanted = computeLayout(fourcc, width, height);
	if (!wanted)
		return wanted.error();
	for (unsigned i = 0; i < 3; i++) {
		Result<DmaBuf> copy = s.drm->allocateDumb(*wanted, &s.copyLayout);
		if (!copy)
			return copy.error();
		if (s.padded) {
			CpuAccess black(*copy, CpuAccessMode::Write);
			if (!black.isValid())
				return black.error();
			std::memset(black.write().data(), 0, black.write().size());
		}
		s.copyBuffers.push_back(std::move(*copy));
		s.stats.allocations++;
	}
	return {};
}

/* Copies the frame once into a display buffer (padded: where it goes); returns its index. */
static Result<unsigned> copyFrame(SinkImpl &s, GstBuffer *buffer, const Layout &source)
{
	/* The CPU reads the frame: its writer must be done. */
	if (!gst::syncFileSignalled(buffer, int(s.fenceTimeout)))
		return Error(ETIMEDOUT, "the frame's fence did not signal within " +
						std::to_string(s.fenceTimeout) + " ms");
	if (s.copyBuffers.empty())
		if (Status made = allocateCopyBuffers(s, source); !made)
			return made.error();
	unsigned index = s.nextCopy++ % s.copyBuffers.size();
	s.stats.cpuAccesses++;
	CpuAccess target(s.copyBuffers[index], CpuAccessMode::Write, &s.stats.syncCalls);
	if (!target.isValid())
		return target.error();
	gst::FrameAccess frame(buffer, s.video, CpuAccessMode::Read, s.stats);
	if (!frame.isValid())
		return frame.error();
	Result<Layout> from = s.padded ? regionOf(frame.layout(), s.padded->source)
				       : Result<Layout>(frame.layout());
	Result<Layout> to = s.padded ? regionOf(s.copyLayout, s.padded->destination)
				     : Result<Layout>(s.copyLayout);
	if (!from || !to)
		return !from ? from.error() : to.error();
	Result<uint64_t> bytes =
		gst::copyCounted(frame.read(), *from, target.write(), *to, s.stats);
	if (!bytes)
		return bytes.error();
	return index;
}

/* A render rectangle set since the last frame: where the frames go now. */
static Status takeRenderRectangle(SinkImpl &s)
{
	std::optional<Rect> rectangle;
	{
		std::lock_guard<std::mutex> locker(s.rectangleLock);
		if (!s.rectangleChanged)
			return {};
		s.rectangleChanged = false;
		rectangle = s.renderRectangle;
	}
	s.display->setRenderRectangle(rectangle);
	std::string why;
	if (!placeFrames(s, s.video, why))
		return Error(EINVAL, why);
	s.copyBuffers.clear();
	return {};
}

/*
 * Says the frames are shown as they are, in words made again only when the placement's
 * reason changed: nothing is built for the frames in between.
 */
static void explainZeroCopy(SinkImpl &s)
{
	const std::string &reason = s.display->placement().reason;
	if (s.explainedPlacement == reason)
		return;
	s.explained = "zero-copy: " + s.constraints.name +
		      " shows the upstream dma-bufs as they are (" + reason +
		      "), each imported once";
	s.stats.setExplanation(*s.explained);
	s.explainedPlacement = reason;
}

static GstFlowReturn sink_show_frame(GstVideoSink *video, GstBuffer *buffer)
{
	SinkImpl &s = *impl(video);
	if (!s.haveInfo)
		return GST_FLOW_NOT_NEGOTIATED;
	Result<Layout> layout = gst::layoutOf(buffer, s.video);
	if (!layout) {
		GST_ELEMENT_ERROR(video, STREAM, FORMAT, ("%s", layout.error().describe().c_str()),
				  (nullptr));
		return GST_FLOW_ERROR;
	}

	/* A frame the producer marked corrupted may hold another frame's pixels. */
	if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_CORRUPTED)) {
		GST_WARNING_OBJECT(video, "dropping a frame the producer marked corrupted; the "
					  "previous frame stays on screen");
		s.stats.dropped++;
		return GST_FLOW_OK;
	}
	if (Status placed = takeRenderRectangle(s); !placed) {
		GST_ELEMENT_ERROR(video, RESOURCE, SETTINGS,
				  ("%s", placed.error().describe().c_str()), (nullptr));
		return GST_FLOW_ERROR;
	}

	/* One commit at a time: the last one's frame reaches the screen first. */
	if (Status settled = settle(s); !settled) {
		GST_ELEMENT_ERROR(video, RESOURCE, WRITE,
				  ("%s", settled.error().describe().c_str()), (nullptr));
		return GST_FLOW_ERROR;
	}
	/* Settled: the pending frame is empty and its list is filled in place. */
	std::vector<DmaBuf> &dmabufs = s.pending.dmabufs;
	gst::dmaBufsOf(buffer, dmabufs);
	std::string copyReason;
	Status shown;
	int fence = gst::syncFileOf(buffer);
	GstMemory *memory = dmabufs.empty() ? nullptr : gst_buffer_peek_memory(buffer, 0);
	auto *refused = memory ? static_cast<const char *>(gst_mini_object_get_qdata(
					 GST_MINI_OBJECT(memory), refusedQuark()))
			       : nullptr;
	if (s.padded) {
		copyReason = s.padded->reason + ": each frame is copied once into a frame of the " +
			     "mode's size, black around it";
	} else if (refused) {
		copyReason = refused;
	} else if (memory) {
		Result<uint32_t> fb = import(s, memory, dmabufs, *layout);
		shown = fb ? s.display->showWhenReady(*fb, *layout, fence) : Status(fb.error());
		s.fenced += shown && fence >= 0;
		if (shown) {
			explainZeroCopy(s);
		} else {
			copyReason = "the display refused the upstream dma-buf: " +
				     shown.error().describe();
			GST_WARNING_OBJECT(video, "%s: its frames are copied once each",
					   copyReason.c_str());
			gst_mini_object_set_qdata(GST_MINI_OBJECT(memory), refusedQuark(),
						  g_strdup(copyReason.c_str()), g_free);
		}
	} else {
		copyReason = "upstream sent system memory, not dma-buf";
	}

	if (!copyReason.empty()) {
		if (s.explained != copyReason) {
			GST_CAT_INFO_OBJECT(performance, video, "frame copy: %s",
					    copyReason.c_str());
			s.stats.setExplanation("one copy a frame: " + copyReason);
			s.explained = copyReason;
			s.explainedPlacement.reset();
		}
		Result<unsigned> index = copyFrame(s, buffer, *layout);
		if (!index) {
			GST_ELEMENT_ERROR(video, RESOURCE, WRITE,
					  ("%s", index.error().describe().c_str()), (nullptr));
			return GST_FLOW_ERROR;
		}
		std::vector<DmaBuf> copy = { s.copyBuffers[*index] };
		Result<uint32_t> fb = import(s, nullptr, copy, s.copyLayout);
		shown = fb ? s.display->showWhenReady(*fb, s.copyLayout, -1) : Status(fb.error());
		if (!shown) {
			GST_ELEMENT_ERROR(video, RESOURCE, WRITE,
					  ("%s", shown.error().describe().c_str()), (nullptr));
			return GST_FLOW_ERROR;
		}
		dmabufs = copy;
		layout = s.copyLayout;
	}

	/* On screen at its page flip; the frame shown now goes back upstream then. */
	const Placement &placed = s.padded ? *s.padded : s.display->placement();
	s.pending.buffer = gst_buffer_ref(buffer);
	s.pending.layout = *layout;
	s.pending.source = s.padded ? placed.destination : placed.source;
	s.pending.destination = placed.destination;
	s.stats.frames++;
	return GST_FLOW_OK;
}

/*
 * Captures what the display shows and compares it, into extra, with the last frame where
 * it was placed: the same pixels there (a scaled frame is not compared pixel for pixel:
 * the scaler filters), a picture rather than a blank, and only black around it.
 */
static void readBack(GstBaseSink *base, GstStructure *extra)
{
	SinkImpl &s = *impl(base);
	if (Status settled = settle(s); !settled) {
		gst_structure_set(extra, "readback-error", G_TYPE_STRING,
				  settled.error().describe().c_str(), nullptr);
		return;
	}
	if (!s.display->hasWriteback() || s.shown.dmabufs.empty())
		return;
	Layout layout;
	Result<Layout> wanted =
		computeLayout(DRM_FORMAT_XRGB8888, s.display->width(), s.display->height());
	Result<DmaBuf> target =
		wanted ? s.drm->allocateDumb(*wanted, &layout) : Result<DmaBuf>(wanted.error());
	if (!target)
		return;
	Status read;
	{
		std::lock_guard<std::mutex> locker(s.importer->lock);
		read = s.display->readBack(s.importer->cache, *target, layout);
		s.importer->cache.release(target->identity());
	}
	if (!read) {
		GST_WARNING_OBJECT(base, "readback failed: %s", read.error().describe().c_str());
		gst_structure_set(extra, "readback-error", G_TYPE_STRING,
				  read.error().describe().c_str(), nullptr);
		return;
	}
	/* Verification reads are counted apart: they are not part of showing frames. */
	SyncCounter syncs = 0;
	Result<Layout> shown = regionOf(s.shown.layout, s.shown.source);
	Result<Layout> there = regionOf(layout, s.shown.destination);
	bool scaled = s.shown.source.width != s.shown.destination.width ||
		      s.shown.source.height != s.shown.destination.height;
	uint64_t differing =
		shown && there && !scaled
			? gst::differingPixels(s.shown.dmabufs[0], *shown, *target, *there, &syncs)
			: UINT64_MAX;
	uint64_t colours = there ? gst::distinctColours(*target, *there, &syncs) : 0;
	uint64_t outside = gst::pixelsNotBlackOutside(*target, layout, s.shown.destination, &syncs);
	GST_INFO_OBJECT(base,
			"writeback: %" G_GUINT64_FORMAT " pixels differ in %s, %" G_GUINT64_FORMAT
			" colours, %" G_GUINT64_FORMAT " not black around",
			differing, s.shown.destination.describe().c_str(), colours, outside);
	if (!s.snapshotLocation.empty()) {
		Status png = gst::writePng(s.snapshotLocation, *target, layout, &syncs);
		if (!png)
			GST_WARNING_OBJECT(base, "%s", png.error().describe().c_str());
	}
	gst_structure_set(extra, "readback-differing-pixels", G_TYPE_UINT64, differing,
			  "readback-colours", G_TYPE_UINT64, colours, "readback-outside-pixels",
			  G_TYPE_UINT64, outside, "readback-sync-calls", G_TYPE_UINT64,
			  guint64(syncs), nullptr);
}

/* What the stats add: where the frames go, and (readback) what the display showed. */
static GstStructure *report(GstBaseSink *base, bool withReadback)
{
	SinkImpl &s = *impl(base);
	if (!s.display)
		return nullptr;
	/* Read back first: it waits for the last frame's flip, which places it. */
	GstStructure *extra = gst_structure_new_empty("extra");
	if (withReadback && s.readback)
		readBack(base, extra);
	const Placement &placed = s.display->placement();
	const Rect &at = s.shown.destination;
	gst_structure_set(extra, "mode-width", G_TYPE_UINT64, guint64(s.display->width()),
			  "mode-height", G_TYPE_UINT64, guint64(s.display->height()), "plane-id",
			  G_TYPE_UINT64, guint64(placed.planeId), "plane-overlay", G_TYPE_UINT64,
			  guint64(placed.planeId && placed.type == KmsPlane::Type::Overlay),
			  "destination-x", G_TYPE_UINT64, guint64(at.x), "destination-y",
			  G_TYPE_UINT64, guint64(at.y), "destination-width", G_TYPE_UINT64,
			  guint64(at.width), "destination-height", G_TYPE_UINT64,
			  guint64(at.height), "flips", G_TYPE_UINT64, guint64(s.display->flips()),
			  "fences", G_TYPE_UINT64, guint64(s.fenced), nullptr);
	return extra;
}

/*
 * GstVideoSink shows the prerolled buffer, then renders the same buffer when PLAYING
 * starts: that second call is skipped (pooled buffers come back with the same pointer
 * and new pixels, so only the render right after preroll may be skipped).
 */
static GstFlowReturn sink_preroll(GstBaseSink *base, GstBuffer *buffer)
{
	SinkImpl &s = *impl(base);
	GstFlowReturn ret =
		GST_BASE_SINK_CLASS(gst_dmabridge_kms_sink_parent_class)->preroll(base, buffer);
	s.prerolled = ret == GST_FLOW_OK ? buffer : nullptr;
	return ret;
}

static GstFlowReturn sink_render(GstBaseSink *base, GstBuffer *buffer)
{
	SinkImpl &s = *impl(base);
	bool alreadyShown = buffer == s.prerolled;
	s.prerolled = nullptr;
	if (alreadyShown)
		return GST_FLOW_OK;
	return GST_BASE_SINK_CLASS(gst_dmabridge_kms_sink_parent_class)->render(base, buffer);
}

static gboolean sink_event(GstBaseSink *base, GstEvent *event)
{
	SinkImpl &s = *impl(base);
	if (GST_EVENT_TYPE(event) == GST_EVENT_EOS) {
		/* The last frame reaches the screen before EOS goes on. */
		if (Status settled = settle(s); !settled)
			GST_ELEMENT_ERROR(base, RESOURCE, WRITE,
					  ("%s", settled.error().describe().c_str()), (nullptr));
		s.stats.post(GST_ELEMENT(base), report(base, true));
		s.postedAtEos = true;
	}
	return GST_BASE_SINK_CLASS(gst_dmabridge_kms_sink_parent_class)->event(base, event);
}

/* GstVideoOverlay: where on the screen; width or height 0 or less: the whole screen. */
static void overlay_set_render_rectangle(GstVideoOverlay *overlay, gint x, gint y, gint width,
					 gint height)
{
	SinkImpl &s = *impl(overlay);
	std::lock_guard<std::mutex> locker(s.rectangleLock);
	if (width > 0 && height > 0)
		s.renderRectangle = Rect{ x, y, uint32_t(width), uint32_t(height) };
	else
		s.renderRectangle.reset();
	s.rectangleChanged = true;
}

static void overlay_set_window_handle(GstVideoOverlay *, guintptr)
{
	/* KMS has no windows: the screen is the window. */
}

static void overlay_init(GstVideoOverlayInterface *iface)
{
	iface->set_render_rectangle = overlay_set_render_rectangle;
	iface->set_window_handle = overlay_set_window_handle;
}

static void sink_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
	SinkImpl &s = *impl(object);
	if (gst_video_overlay_set_property(object, PROP_LAST, id, value))
		return;
	switch (id) {
	case PROP_DRIVER_NAME:
		s.driverName = gst::stringOf(value);
		break;
	case PROP_DEVICE:
		s.devicePath = gst::stringOf(value);
		break;
	case PROP_CONNECTOR_ID:
		s.connectorId = g_value_get_uint(value);
		break;
	case PROP_PLANE_ID:
		s.planeId = g_value_get_uint(value);
		break;
	case PROP_READBACK:
		s.readback = g_value_get_boolean(value);
		break;
	case PROP_SNAPSHOT_LOCATION:
		s.snapshotLocation = gst::stringOf(value);
		break;
	case PROP_FORCE_ASPECT_RATIO:
		s.keepAspect = g_value_get_boolean(value);
		break;
	case PROP_PRODUCER_DEVICE:
		s.producerDevice = gst::stringOf(value);
		break;
	case PROP_FENCE_TIMEOUT:
		s.fenceTimeout = g_value_get_uint(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
	}
}

static void sink_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	SinkImpl &s = *impl(object);
	switch (id) {
	case PROP_DRIVER_NAME:
		g_value_set_string(value, s.driverName.c_str());
		break;
	case PROP_DEVICE:
		g_value_set_string(value, s.devicePath.c_str());
		break;
	case PROP_CONNECTOR_ID:
		g_value_set_uint(value, s.connectorId);
		break;
	case PROP_PLANE_ID:
		g_value_set_uint(value, s.planeId);
		break;
	case PROP_READBACK:
		g_value_set_boolean(value, s.readback);
		break;
	case PROP_SNAPSHOT_LOCATION:
		g_value_set_string(value, s.snapshotLocation.c_str());
		break;
	case PROP_FORCE_ASPECT_RATIO:
		g_value_set_boolean(value, s.keepAspect);
		break;
	case PROP_PRODUCER_DEVICE:
		g_value_set_string(value, s.producerDevice.c_str());
		break;
	case PROP_FENCE_TIMEOUT:
		g_value_set_uint(value, s.fenceTimeout);
		break;
	case PROP_FLIPS:
		g_value_set_uint64(value, s.display ? s.display->flips() : 0);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
	}
}

static void gst_dmabridge_kms_sink_class_init(GstDmabridgeKmsSinkClass *klass)
{
	GObjectClass *object = G_OBJECT_CLASS(klass);
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	GstBaseSinkClass *base = GST_BASE_SINK_CLASS(klass);
	object->set_property = sink_set_property;
	object->get_property = sink_get_property;
	object->finalize = gst::finalizeImpl<GstDmabridgeKmsSink, SinkImpl,
					     &gst_dmabridge_kms_sink_parent_class>;

	auto flags = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_property(
		object, PROP_DRIVER_NAME,
		g_param_spec_string(
			"driver-name", "Driver name",
			"DRM driver of the display (vkms, vc4, rockchip...); empty: the "
			"first device that has one",
			nullptr, flags));
	g_object_class_install_property(
		object, PROP_DEVICE,
		g_param_spec_string("device", "Device",
				    "DRM device node (/dev/dri/card1); wins over "
				    "driver-name",
				    nullptr, flags));
	g_object_class_install_property(object, PROP_CONNECTOR_ID,
					g_param_spec_uint("connector-id", "Connector",
							  "Connector id; 0: the first connected", 0,
							  G_MAXUINT32, 0, flags));
	g_object_class_install_property(
		object, PROP_PLANE_ID,
		g_param_spec_uint("plane-id", "Plane",
				  "Plane id; 0: chosen for the frame by what the planes can do "
				  "(the primary plane when the frame fills the mode, else an "
				  "overlay placed in the render rectangle)",
				  0, G_MAXUINT32, 0, flags));
	g_object_class_install_property(
		object, PROP_FORCE_ASPECT_RATIO,
		g_param_spec_boolean("force-aspect-ratio", "Force aspect ratio",
				     "A frame a plane scales into the render rectangle keeps its "
				     "aspect ratio (black around it); else it fills the rectangle",
				     TRUE, flags));
	g_object_class_install_property(object, PROP_PRODUCER_DEVICE, gst::producerDeviceSpec());
	g_object_class_install_property(
		object, PROP_FENCE_TIMEOUT,
		g_param_spec_uint("fence-timeout", "Fence timeout",
				  "Milliseconds a frame's fence and page flip may take before the "
				  "sink fails with an error naming the fence",
				  1, G_MAXUINT, 10000, flags));
	g_object_class_install_property(
		object, PROP_FLIPS,
		g_param_spec_uint64(
			"flips", "Flips", "Page flips seen: frames that reached the screen", 0,
			G_MAXUINT64, 0, GParamFlags(G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)));
	/* render-rectangle, as upstream kmssink has it: x, y, width, height on the screen. */
	gst_video_overlay_install_properties(object, PROP_LAST);
	g_object_class_install_property(
		object, PROP_READBACK,
		g_param_spec_boolean(
			"readback", "Read back",
			"At EOS, capture what the display shows through its writeback "
			"connector and compare it with the last frame (in dmabridge-stats)",
			FALSE, flags));
	g_object_class_install_property(
		object, PROP_SNAPSHOT_LOCATION,
		g_param_spec_string("snapshot-location", "Snapshot location",
				    "With readback, save what the display showed as this PNG file",
				    nullptr, flags));

	gst_element_class_set_static_metadata(
		element, "dmabridge KMS sink", "Sink/Video",
		"Shows dma-bufs through atomic KMS without copies, on the plane that can show "
		"each frame; imports each buffer once and copies once, with the reason, only "
		"what the display can't take",
		"dmabridge");
	gst_element_class_add_pad_template(
		element,
		gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, gst::allFormatsCaps()));
	element->change_state = sink_change_state;
	base->start = sink_start;
	base->stop = sink_stop;
	base->get_caps = sink_get_caps;
	base->set_caps = sink_set_caps;
	base->propose_allocation = sink_propose_allocation;
	base->event = sink_event;
	base->query = sink_query;
	base->preroll = sink_preroll;
	base->render = sink_render;
	GST_VIDEO_SINK_CLASS(klass)->show_frame = sink_show_frame;
	GST_DEBUG_CATEGORY_INIT(kms_sink_debug, "dmabridgekmssink", 0, "dmabridge KMS sink");
	GST_DEBUG_CATEGORY_GET(performance, "GST_PERFORMANCE");
}

static void gst_dmabridge_kms_sink_init(GstDmabridgeKmsSink *sink)
{
	sink->impl_ = new SinkImpl();
}
