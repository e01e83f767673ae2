/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridge: placed between any two elements. It asks downstream what its devices accept
 * (the allocation query), offers upstream a pool planned for them and forwards their
 * constraints, passes dma-bufs in a format downstream takes through untouched, and copies
 * once, inside the sync ioctl, only what it must: system memory, or 24-bit RGB that the
 * display can't scan out (converted to XRGB8888 during that one copy). Each copy's
 * reason is in dmabridge-stats and on GST_PERFORMANCE; each CPU access is a FrameAccess.
 */
#include "bridge.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include <drm_fourcc.h>
#include <gst/video/video.h>

#include <dmabridge/frame_copy.h>
#include <dmabridge/heap.h>
#include <dmabridge/layout.h>
#include <dmabridge/plan.h>

#include "../common/caps.h"
#include "../common/constraints_query.h"
#include "../common/dmabuf_memory.h"
#include "../common/frame_access.h"
#include "../common/object_impl.h"
#include "../common/peer_devices.h"
#include "../common/planned_pool.h"
#include "../common/stats.h"
#include "upstream_camera.h"

GST_DEBUG_CATEGORY_STATIC(bridge_debug);
GST_DEBUG_CATEGORY_STATIC(performance);
#define GST_CAT_DEFAULT bridge_debug

using namespace dmabridge;

namespace {

struct BridgeImpl
{
	gst::VideoCaps in, out;
	std::vector<DeviceConstraints> downstream;
	GstBufferPool *pool = nullptr; /* planned for downstream: where copies go */
	gst::ElementStats stats;
	std::string lastReason;
	gst::Announcements announced;
	/* A libcamerasrc upstream: its camera, what the explanations say of it, and why its
	 * own buffers don't suit downstream (empty when they do). */
	std::optional<DeviceConstraints> camera;
	std::string cameraNote;
	std::string cameraUnsuited;
	/* Property: the V4L2 device upstream that fills the pool offered, when no element
	 * upstream says (peer_devices.h). */
	std::string producerDevice;
};

enum
{
	PROP_0,
	PROP_PRODUCER_DEVICE
};

BridgeImpl *impl(gpointer bridge)
{
	return static_cast<BridgeImpl *>(reinterpret_cast<GstDmabridgeBridge *>(bridge)->impl_);
}

/* The DRM fourccs of GStreamer format names. */
std::vector<uint32_t> fourccsOf(std::initializer_list<const char *> names)
{
	std::vector<uint32_t> fourccs;
	for (const char *name : names)
		if (const FormatInfo *info = formatFromGst(name))
			fourccs.push_back(info->drm);
	return fourccs;
}

/*
 * caps in both memory kinds, and after each structure that allows one of the formats
 * from, the same structure with format to (both kinds too).
 */
GstCaps *withFormats(GstCaps *caps, std::initializer_list<const char *> from, const char *to)
{
	std::vector<uint32_t> matching = fourccsOf(from);
	std::vector<FormatModifiers> converted = { { formatFromGst(to)->drm, {} } };
	GstCaps *result = gst_caps_new_empty();
	for (guint i = 0; i < gst_caps_get_size(caps); i++) {
		GstStructure *s = gst_structure_copy(gst_caps_get_structure(caps, i));
		gst_structure_remove_fields(s, "colorimetry", "chroma-site", nullptr);
		auto formats = gst::formatsOf(s, gst_caps_get_features(caps, i));
		gst::appendRaw(result, formats, s, true, true);
		bool match = formats &&
			     std::any_of(formats->begin(), formats->end(),
					 [&](const FormatModifiers &format) {
						 return std::find(matching.begin(), matching.end(),
								  format.fourcc) != matching.end();
					 });
		if (match)
			gst::appendRaw(result, converted, s, true, true);
		gst_structure_free(s);
	}
	return gst_caps_simplify(result);
}

} /* namespace */

G_DEFINE_TYPE(GstDmabridgeBridge, gst_dmabridge_bridge, GST_TYPE_BASE_TRANSFORM)

static GstCaps *bridge_transform_caps(GstBaseTransform *, GstPadDirection direction, GstCaps *caps,
				      GstCaps *filter)
{
	/* Downstream of 24-bit RGB may be XRGB8888; upstream of XRGB8888 may be 24-bit RGB. */
	GstCaps *result = direction == GST_PAD_SINK ? withFormats(caps, { "BGR", "RGB" }, "BGRx")
						    : withFormats(caps, { "BGRx" }, "BGR");
	if (direction == GST_PAD_SRC) {
		GstCaps *rgb = withFormats(caps, { "BGRx" }, "RGB");
		gst_caps_append(result, rgb);
	}
	/* After them, any size: the one copy can pad or crop RGB to what downstream shows. */
	GstCaps *resized = gst_caps_copy(result);
	for (guint i = 0; i < gst_caps_get_size(resized); i++)
		gst_structure_set(gst_caps_get_structure(resized, i), "width", GST_TYPE_INT_RANGE,
				  1, int(kMaxDimension), "height", GST_TYPE_INT_RANGE, 1,
				  int(kMaxDimension), nullptr);
	gst_caps_append(result, resized);
	result = gst_caps_simplify(result);
	return gst::applyFilter(result, filter);
}

static GstCaps *bridge_fixate_caps(GstBaseTransform *base, GstPadDirection direction, GstCaps *caps,
				   GstCaps *othercaps)
{
	GstPad *pad = direction == GST_PAD_SINK ? GST_BASE_TRANSFORM_SRC_PAD(base)
						: GST_BASE_TRANSFORM_SINK_PAD(base);
	GstCaps *peer = gst_pad_peer_query_caps(pad, nullptr);
	othercaps = gst::cheapestCaps(caps, othercaps, peer);
	if (peer)
		gst_caps_unref(peer);
	return GST_BASE_TRANSFORM_CLASS(gst_dmabridge_bridge_parent_class)
		->fixate_caps(base, direction, caps, othercaps);
}

static gboolean bridge_set_caps(GstBaseTransform *base, GstCaps *incaps, GstCaps *outcaps)
{
	BridgeImpl &b = *impl(base);
	if (!gst::takeVideoCaps(GST_ELEMENT(base), incaps, b.in) ||
	    !gst::takeVideoCaps(GST_ELEMENT(base), outcaps, b.out))
		return FALSE;
	GstVideoFormat in = GST_VIDEO_INFO_FORMAT(&b.in.info),
		       out = GST_VIDEO_INFO_FORMAT(&b.out.info);
	if (!canCopyPixels(b.in.fourcc, b.out.fourcc)) {
		GST_ERROR_OBJECT(base, "cannot convert %s to %s", gst_video_format_to_string(in),
				 gst_video_format_to_string(out));
		return FALSE;
	}
	bool resized = b.in.info.width != b.out.info.width || b.in.info.height != b.out.info.height;
	if (resized && (GST_VIDEO_INFO_N_PLANES(&b.out.info) > 1 ||
			GST_VIDEO_FORMAT_INFO_IS_YUV(b.out.info.finfo))) {
		GST_ERROR_OBJECT(base, "padding or cropping is done for RGB only, not %s",
				 gst_video_format_to_string(out));
		return FALSE;
	}
	return TRUE;
}

/*
 * Downstream's devices: what dmabridge elements described in the query, else the devices
 * behind upstream elements that import without describing them (kmssink).
 */
static std::vector<DeviceConstraints> downstreamDevices(GstBaseTransform *base, GstQuery *query)
{
	std::vector<DeviceConstraints> devices = gst::consumersOf(query, impl(base)->announced);
	if (devices.empty())
		devices = gst::upstreamImportersDownstream(GST_BASE_TRANSFORM_SRC_PAD(base));
	return devices;
}

/* Downstream's devices, from an allocation query of our own. */
static std::vector<DeviceConstraints> askDownstream(GstBaseTransform *base, GstCaps *caps)
{
	GstQuery *query = gst_query_new_allocation(caps, TRUE);
	(void)gst_pad_peer_query(GST_BASE_TRANSFORM_SRC_PAD(base), query);
	std::vector<DeviceConstraints> devices = downstreamDevices(base, query);
	gst_query_unref(query);
	return devices;
}

static gboolean bridge_propose_allocation(GstBaseTransform *base, GstQuery *decide, GstQuery *query)
{
	BridgeImpl &b = *impl(base);
	(void)decide;
	GstCaps *caps = nullptr;
	gst_query_parse_allocation(query, &caps, nullptr);
	if (!gst::parseVideoCaps(caps))
		return FALSE;

	/* Upstream learns what downstream's devices accept, and gets a pool planned for them. */
	GstCaps *outcaps = gst_pad_get_current_caps(GST_BASE_TRANSFORM_SRC_PAD(base));
	std::vector<DeviceConstraints> downstream = askDownstream(base, outcaps ? outcaps : caps);
	if (outcaps)
		gst_caps_unref(outcaps);
	for (const DeviceConstraints &device : downstream)
		gst::addConstraints(query, device);
	gst_query_add_allocation_meta(query, GST_VIDEO_META_API_TYPE, nullptr);

	gst::offerPlannedPool(
		GST_ELEMENT(base), query, downstream, 4, &b.stats, 2,
		gst::importerUpstream(GST_BASE_TRANSFORM_SINK_PAD(base), b.producerDevice));
	return TRUE;
}

static gboolean bridge_decide_allocation(GstBaseTransform *base, GstQuery *query)
{
	BridgeImpl &b = *impl(base);
	b.downstream = downstreamDevices(base, query);
	b.cameraUnsuited.clear();
	if (b.camera) {
		std::string why = gst::cameraBuffersUnsuited(*b.camera, b.downstream, b.in.fourcc,
							     uint32_t(b.in.info.width),
							     uint32_t(b.in.info.height));
		if (!why.empty())
			b.cameraUnsuited =
				"the camera's own buffers don't suit downstream (" + why + ")";
	}
	if (b.pool) {
		gst_buffer_pool_set_active(b.pool, FALSE);
		gst_object_unref(b.pool);
		b.pool = nullptr;
	}
	/* Where copies go: a pool planned for downstream (the CPU is the producer). */
	DeviceConstraints cpu;
	cpu.name = "dmabridge (CPU copy)";
	cpu.formats = { { b.out.fourcc, {} } };
	Result<Plan> plan = Planner().plan(gst::planRequest(cpu, b.downstream, b.out, 3));
	if (plan && !plan->copy) {
		b.pool = gst::newPlannedPool(*plan, &b.stats, nullptr, 3, 0);
		gst_buffer_pool_set_active(b.pool, TRUE);
	}
	return GST_BASE_TRANSFORM_CLASS(gst_dmabridge_bridge_parent_class)
		->decide_allocation(base, query);
}

/* Why the input can't go through as it is; empty when it can. */
static std::string copyReason(const BridgeImpl &b, GstBuffer *input)
{
	if (b.in.info.width != b.out.info.width || b.in.info.height != b.out.info.height)
		return "downstream shows " + std::to_string(b.out.info.width) + "x" +
		       std::to_string(b.out.info.height) + ", the frames are " +
		       std::to_string(b.in.info.width) + "x" + std::to_string(b.in.info.height) +
		       (GST_VIDEO_INFO_FORMAT(&b.in.info) != GST_VIDEO_INFO_FORMAT(&b.out.info)
				? std::string(" and ") +
					  gst_video_format_to_string(
						  GST_VIDEO_INFO_FORMAT(&b.in.info)) +
					  " becomes " +
					  gst_video_format_to_string(
						  GST_VIDEO_INFO_FORMAT(&b.out.info))
				: "") +
		       ": padded (or cropped) during one copy";
	if (GST_VIDEO_INFO_FORMAT(&b.in.info) != GST_VIDEO_INFO_FORMAT(&b.out.info))
		return std::string("downstream takes ") +
		       gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&b.out.info)) + ", not " +
		       gst_video_format_to_string(GST_VIDEO_INFO_FORMAT(&b.in.info)) +
		       ": converted during one copy";
	if (b.in.modifier != b.out.modifier)
		return "downstream takes the layout " +
		       gst::drmFormatString(b.out.fourcc, b.out.modifier) + ", not " +
		       gst::drmFormatString(b.in.fourcc, b.in.modifier);
	if (!b.cameraUnsuited.empty())
		return b.cameraUnsuited + ": copied once into planned dma-bufs";
	if (gst::dmaBufsOf(input).empty() && !b.downstream.empty())
		return "upstream sent system memory and " + b.downstream.front().name +
		       " imports dma-bufs: copied once into planned dma-bufs";
	return {};
}

static GstFlowReturn bridge_prepare_output_buffer(GstBaseTransform *base, GstBuffer *input,
						  GstBuffer **output)
{
	BridgeImpl &b = *impl(base);
	b.stats.frames++;
	std::string reason = copyReason(b, input);
	if (reason.empty()) {
		b.stats.setExplanation(
			"pass-through: upstream's dma-bufs suit downstream as they are" +
			b.cameraNote);
		*output = input; /* untouched: same buffer, same memory */
		return GST_FLOW_OK;
	}
	if (reason != b.lastReason) {
		GST_CAT_INFO_OBJECT(performance, base, "frame copy: %s", reason.c_str());
		b.lastReason = reason;
	}
	b.stats.setExplanation("one copy a frame: " + reason + b.cameraNote);
	if (b.pool)
		return gst_buffer_pool_acquire_buffer(b.pool, output, nullptr);
	return GST_BASE_TRANSFORM_CLASS(gst_dmabridge_bridge_parent_class)
		->prepare_output_buffer(base, input, output);
}

static GstFlowReturn bridge_transform(GstBaseTransform *base, GstBuffer *input, GstBuffer *output)
{
	BridgeImpl &b = *impl(base);
	if (input == output)
		return GST_FLOW_OK; /* passed through by prepare_output_buffer */
	gst::FrameAccess read(input, b.in, CpuAccessMode::Read, b.stats);
	gst::FrameAccess write(output, b.out, CpuAccessMode::Write, b.stats);
	Result<uint64_t> bytes = !read.isValid() ? Result<uint64_t>(read.error())
				 : !write.isValid()
					 ? Result<uint64_t>(write.error())
					 : gst::copyCounted(read.read(), read.layout(),
							    write.write(), write.layout(), b.stats);
	if (!bytes) {
		GST_ELEMENT_ERROR(base, STREAM, FAILED, ("%s", bytes.error().describe().c_str()),
				  (nullptr));
		return GST_FLOW_ERROR;
	}
	gst_buffer_copy_into(output, input, GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
	return GST_FLOW_OK;
}

/* Announcements from downstream: kept for the bridge's own plans and passed upstream,
 * which may make buffers downstream takes as they are. */
static gboolean bridge_src_event(GstBaseTransform *base, GstEvent *event)
{
	impl(base)->announced.take(event);
	return GST_BASE_TRANSFORM_CLASS(gst_dmabridge_bridge_parent_class)->src_event(base, event);
}

/* Before libcamerasrc upstream starts: then its camera's video nodes can be probed. */
/* EOS arrives after every buffer: the stats are final, and go out before it. */
static gboolean bridge_sink_event(GstBaseTransform *base, GstEvent *event)
{
	if (GST_EVENT_TYPE(event) == GST_EVENT_EOS)
		impl(base)->stats.post(GST_ELEMENT(base));
	return GST_BASE_TRANSFORM_CLASS(gst_dmabridge_bridge_parent_class)->sink_event(base, event);
}

static gboolean bridge_start(GstBaseTransform *base)
{
	BridgeImpl &b = *impl(base);
	std::string why;
	b.camera = gst::upstreamCamera(GST_BASE_TRANSFORM_SINK_PAD(base), why);
	b.cameraNote.clear();
	if (b.camera)
		b.cameraNote = ". Upstream is the libcamera camera '" + b.camera->name +
			       "', whose own buffers " +
			       (b.camera->needsContiguousMemory() ? "are contiguous"
								  : "may be scattered pages") +
			       " (" + b.camera->contiguous.source + ")";
	else if (!why.empty())
		b.cameraNote = ". Upstream is libcamerasrc, whose camera was not described: " + why;
	return TRUE;
}

static gboolean bridge_stop(GstBaseTransform *base)
{
	BridgeImpl &b = *impl(base);
	if (b.pool) {
		gst_buffer_pool_set_active(b.pool, FALSE);
		gst_object_unref(b.pool);
		b.pool = nullptr;
	}
	b.stats.post(GST_ELEMENT(base));
	b.stats.reset();
	b.lastReason.clear();
	return TRUE;
}

static void bridge_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
	if (id == PROP_PRODUCER_DEVICE)
		impl(object)->producerDevice = gst::stringOf(value);
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

static void bridge_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	if (id == PROP_PRODUCER_DEVICE)
		g_value_set_string(value, impl(object)->producerDevice.c_str());
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

static void gst_dmabridge_bridge_class_init(GstDmabridgeBridgeClass *klass)
{
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	GstBaseTransformClass *base = GST_BASE_TRANSFORM_CLASS(klass);
	GObjectClass *object = G_OBJECT_CLASS(klass);
	object->finalize = gst::finalizeImpl<GstDmabridgeBridge, BridgeImpl,
					     &gst_dmabridge_bridge_parent_class>;
	object->set_property = bridge_set_property;
	object->get_property = bridge_get_property;
	g_object_class_install_property(object, PROP_PRODUCER_DEVICE, gst::producerDeviceSpec());
	gst_element_class_set_static_metadata(
		element, "dmabridge", "Filter/Video",
		"Between any two elements: plans buffers for downstream's devices, passes suitable "
		"dma-bufs through, copies once (and says why) only what it must",
		"dmabridge");
	gst_element_class_add_pad_template(
		element,
		gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS, gst::allFormatsCaps()));
	gst_element_class_add_pad_template(
		element,
		gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, gst::allFormatsCaps()));
	base->transform_caps = bridge_transform_caps;
	base->fixate_caps = bridge_fixate_caps;
	base->set_caps = bridge_set_caps;
	base->propose_allocation = bridge_propose_allocation;
	base->decide_allocation = bridge_decide_allocation;
	base->src_event = bridge_src_event;
	base->sink_event = bridge_sink_event;
	base->prepare_output_buffer = bridge_prepare_output_buffer;
	base->transform = bridge_transform;
	base->start = bridge_start;
	base->stop = bridge_stop;
	base->passthrough_on_same_caps = FALSE;
	GST_DEBUG_CATEGORY_INIT(bridge_debug, "dmabridge", 0, "dmabridge bridge");
	GST_DEBUG_CATEGORY_GET(performance, "GST_PERFORMANCE");
}

static void gst_dmabridge_bridge_init(GstDmabridgeBridge *bridge)
{
	bridge->impl_ = new BridgeImpl();
}
