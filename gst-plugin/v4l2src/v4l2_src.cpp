/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridgev4l2src: V4L2 capture into buffers planned for every device downstream.
 *
 * decide_allocation() reads the consumers' constraints from the allocation query, plans
 * with the camera's own, and carries the plan out: buffers from a heap or a DRM device
 * the camera imports (V4L2_MEMORY_DMABUF), or the camera's own exported with EXPBUF. An
 * import the kernel refuses teaches the planner, which re-plans once. The buffers are a
 * pool of one GstBuffer per V4L2 buffer (capture_pool.h): each goes downstream as the
 * same GstBuffer every time, and is queued again when it comes back and no copy of it
 * still holds its memory. How many there are follows downstream's allocation query.
 */
#include "v4l2_src.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <sys/eventfd.h>
#include <unistd.h>

#include <gst/base/gstpushsrc.h>

#include <dmabridge/allocator.h>
#include <dmabridge/heap.h>
#include <dmabridge/plan.h>
#include <dmabridge/v4l2.h>

#include "../common/caps.h"
#include "../common/caps_dialect.h"
#include "../common/constraints_query.h"
#include "../common/dmabuf_memory.h"
#include "../common/frame_access.h"
#include "../common/gst_gl_readback.h"
#include "../common/io_mode.h"
#include "../common/object_impl.h"
#include "../common/peer_devices.h"
#include "../common/planned_pool.h"
#include "../common/stats.h"
#include "capture_pool.h"
#include "capture_setup.h"

GST_DEBUG_CATEGORY_STATIC(v4l2_src_debug);
#define GST_CAT_DEFAULT v4l2_src_debug

using namespace dmabridge;
using gst::IoMode;

namespace {

struct SrcImpl
{
	std::string devicePath;
	std::string deviceName;
	IoMode ioMode = IoMode::Auto;

	std::shared_ptr<gst::CaptureQueue> stream;
	GstBufferPool *pool = nullptr; /* the queue's buffers as the plan made them */
	DeviceConstraints constraints;
	Planner planner;
	gst::VideoCaps video;
	UniqueFd wake;
	gst::ElementStats stats;
	gst::Announcements announced; /* by consumers, through elements that drop the meta */
	/* Set when downstream is a GStreamer GL element that describes no GPU and whose GPU
	 * could not be probed to use what the camera fills: frames go to it in system memory,
	 * copied once, as its dma-buf import can't be trusted. */
	std::string systemMemoryReason;
	/* Such an element's GPU, found through its GL context and probed, when a plan for it
	 * needs no copy: the buffers are planned for it and go to it as dma-bufs. */
	std::optional<DeviceConstraints> gstGlGpu;
	/* Why not, when it was looked for. */
	std::string gstGlReason;
	/* Set once such an element took memory:DMABuf caps: the caps offered to it are then
	 * system memory only, so that the copy above can be made. */
	bool avoidDmaBufCaps = false;
};

SrcImpl *impl(gpointer src)
{
	return static_cast<SrcImpl *>(reinterpret_cast<GstDmabridgeV4l2Src *>(src)->impl_);
}

enum
{
	PROP_0,
	PROP_DEVICE,
	PROP_DEVICE_NAME,
	PROP_IO_MODE
};

} /* namespace */

G_DEFINE_TYPE(GstDmabridgeV4l2Src, gst_dmabridge_v4l2_src, GST_TYPE_PUSH_SRC)

static Result<V4l2Device> openCamera(const SrcImpl &s)
{
	if (!s.devicePath.empty())
		return V4l2Device::open(s.devicePath);
	if (!s.deviceName.empty())
		return V4l2Device::openByName(s.deviceName);
	for (const std::string &path : V4l2Device::nodes()) {
		Result<V4l2Device> device = V4l2Device::open(path);
		if (device && device->hasCapture() && !device->hasOutput())
			return device;
	}
	return Error(ENODEV, "no V4L2 capture device (set device or device-name)");
}

/*
 * Opens the camera before GstBaseSrc starts: a failure is one error, ours (GstBaseSrc
 * adds a generic one of its own to a start() that fails).
 */
static bool openStream(GstElement *element)
{
	SrcImpl &s = *impl(element);
	Result<V4l2Device> camera = openCamera(s);
	if (!camera) {
		GST_ELEMENT_ERROR(element, RESOURCE, OPEN_READ_WRITE,
				  ("%s", camera.error().describe().c_str()), (nullptr));
		return false;
	}
	Result<DeviceConstraints> constraints = camera->probe(V4l2Direction::Capture);
	if (!constraints) {
		GST_ELEMENT_ERROR(element, RESOURCE, SETTINGS,
				  ("%s", constraints.error().describe().c_str()), (nullptr));
		return false;
	}
	if (!camera->accessNote().empty())
		GST_INFO_OBJECT(element, "%s: %s", camera->label().c_str(),
				camera->accessNote().c_str());
	s.constraints = std::move(*constraints);
	s.stream = std::make_shared<gst::CaptureQueue>(std::move(*camera));
	return true;
}

static gboolean src_start(GstBaseSrc *base)
{
	SrcImpl &s = *impl(base);
	s.stats.reset();
	s.avoidDmaBufCaps = false;
	s.gstGlGpu.reset();
	s.gstGlReason.clear();
	s.wake = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	return s.stream != nullptr;
}

static void stopStream(SrcImpl &s)
{
	if (!s.stream)
		return;
	if (s.pool)
		gst::retire(s.pool); /* before the queue's lock, as a release takes them */
	std::lock_guard<std::mutex> locker(s.stream->lock);
	s.stream->stopped = true;
	if (s.stream->streaming)
		(void)s.stream->device.streamOff(V4l2Direction::Capture);
	s.stream->streaming = false;
}

static gboolean src_stop(GstBaseSrc *base)
{
	SrcImpl &s = *impl(base);
	stopStream(s);
	s.stats.post(GST_ELEMENT(base));
	/* Buffers still downstream keep their pool, the queue and the device until they go. */
	if (s.pool)
		gst_object_unref(s.pool);
	s.pool = nullptr;
	s.stream.reset();
	s.wake.reset();
	return TRUE;
}

static GstStateChangeReturn src_change_state(GstElement *element, GstStateChange transition)
{
	if (transition == GST_STATE_CHANGE_READY_TO_PAUSED && !openStream(element))
		return GST_STATE_CHANGE_FAILURE;
	GstStateChangeReturn ret = GST_ELEMENT_CLASS(gst_dmabridge_v4l2_src_parent_class)
					   ->change_state(element, transition);
	if (transition == GST_STATE_CHANGE_READY_TO_PAUSED && ret == GST_STATE_CHANGE_FAILURE)
		impl(element)->stream.reset(); /* GstBaseSrc stops only what it started */
	return ret;
}

static GstCaps *src_get_caps(GstBaseSrc *base, GstCaps *filter)
{
	SrcImpl &s = *impl(base);
	if (!s.stream)
		return gst_pad_get_pad_template_caps(GST_BASE_SRC_PAD(base));

	/* The current size first: it is what the device would pick by itself. */
	Result<Layout> current = s.stream->device.currentFormat(V4l2Direction::Capture);
	GstCaps *dmabuf = gst_caps_new_empty(), *system = gst_caps_new_empty();
	/* In the format table's order of preference, not the driver's. */
	for (const FormatInfo &format : formats()) {
		if (!s.constraints.acceptsFormat(format.drm))
			continue;
		if (format.gst.empty())
			continue;
		std::vector<V4l2FrameSize> sizes =
			s.stream->device.frameSizes(V4l2Direction::Capture, format.drm);
		std::stable_partition(sizes.begin(), sizes.end(), [&](const V4l2FrameSize &size) {
			return current && size.minWidth == current->width &&
			       size.minHeight == current->height;
		});
		for (const V4l2FrameSize &size : sizes) {
			GstStructure *shape = gst_structure_new_empty("video/x-raw");
			gst::setFrameRates(shape, s.stream->device, format.drm, size);
			if (size.discrete())
				gst_structure_set(shape, "width", G_TYPE_INT, int(size.minWidth),
						  "height", G_TYPE_INT, int(size.minHeight),
						  nullptr);
			else
				gst_structure_set(shape, "width", GST_TYPE_INT_RANGE,
						  int(size.minWidth), int(size.maxWidth), "height",
						  GST_TYPE_INT_RANGE, int(size.minHeight),
						  int(size.maxHeight), nullptr);
			std::vector<FormatModifiers> one = { { format.drm, {} } };
			gst::appendRaw(dmabuf, one, shape, true, false);
			gst::appendRaw(system, one, shape, false, true);
			gst_structure_free(shape);
		}
	}
	if (s.avoidDmaBufCaps) {
		gst_caps_unref(dmabuf);
		return gst::applyFilter(system, filter);
	}
	gst_caps_append(dmabuf, system);
	return gst::applyFilter(dmabuf, filter);
}

static gboolean src_set_caps(GstBaseSrc *base, GstCaps *caps)
{
	SrcImpl &s = *impl(base);
	return gst::takeVideoCaps(GST_ELEMENT(base), caps, s.video);
}

/*
 * Carries the plan out: the previous buffers go (a renegotiation), the plan's are made,
 * queued and kept as the pool. note gets what the allocation did that the plan didn't
 * say, contiguous whether the buffers are.
 */
static Status carryOut(SrcImpl &s, const Plan &plan, std::string &note, bool &contiguous)
{
	if (s.pool) {
		gst::tearDownCapture(*s.stream, s.pool);
		gst_object_unref(s.pool);
		s.pool = nullptr;
	}
	Result<gst::CaptureSetup> setup =
		gst::setUpCapture(s.stream, plan, s.constraints.name, s.video.info);
	if (!setup)
		return setup.error();
	s.pool = setup->pool;
	note = setup->note;
	/* Exported buffers are what the device makes, whatever the plan was (io-mode). */
	contiguous = plan.allocator == AllocatorKind::ProducerExport
			     ? s.constraints.exportsContiguous.value
			     : setup->contiguous;
	auto count = uint64_t(gst::buffersOf(s.pool).buffers.size());
	s.stats.allocations += count;
	s.stats.imports += count;
	return {};
}

/*
 * How many buffers: what downstream holds at once (the largest minimum of the allocation
 * query's pools) and two of the source's own, one the device fills and one on its way;
 * four at least; never more than a maximum downstream set.
 */
static std::pair<unsigned, std::string> bufferCount(GstQuery *query)
{
	guint min = 0, max = 0;
	for (guint i = 0; i < gst_query_get_n_allocation_pools(query); i++) {
		guint poolMin = 0, poolMax = 0;
		gst_query_parse_nth_allocation_pool(query, i, nullptr, nullptr, &poolMin, &poolMax);
		min = std::max(min, poolMin);
		if (poolMax)
			max = max ? std::min(max, poolMax) : poolMax;
	}
	unsigned count = std::max(4u, min + 2);
	std::string reason =
		min ? "downstream holds up to " + std::to_string(min) +
				" (the allocation query's minimum), the device fills one and one "
				"is "
				"on its way"
		    : "downstream asked for no minimum; the device fills one while up to three "
		      "are on their way";
	if (max && count > max) {
		count = std::max(max, min);
		reason += ", within downstream's maximum of " + std::to_string(max);
	}
	return { count, reason };
}

/*
 * A GStreamer GL element is downstream (it answered the query, or it is found there), and
 * nothing that describes its device.
 */
static bool answeredByGstGlOnly(GstBaseSrc *base, GstQuery *query)
{
	return gst::consumersOf(query, impl(base)->announced).empty() &&
	       (gst::answeredByGstGl(query) || gst::gstGlDownstream(GST_BASE_SRC_PAD(base)));
}

/* A buffer of plan's memory and layout, read back through GStreamer GL's context. */
static Status tryGstGlReadBack(GstGLContext *context, Plan plan)
{
	plan.bufferCount = 1;
	Result<AllocatedBuffers> one = allocateBuffers(plan, "dmabridge-gl-check");
	if (!one)
		return one.error();
	return gst::gstGlReadsBack(context, one->buffers[0], one->layout);
}

/*
 * Whether frames can go to the GStreamer GL element downstream as dma-bufs: its GPU found
 * through its GL context and probed (gst::gstGlGpu), a plan for it and the camera without
 * a copy, and a buffer of that plan read back right through GStreamer GL. Sets
 * s.gstGlGpu then; else returns why not.
 */
static std::string planForGstGl(GstBaseSrc *base)
{
	SrcImpl &s = *impl(base);
	s.gstGlGpu.reset();
	GstGLContext *context = nullptr;
	Result<DeviceConstraints> gpu = gst::gstGlGpu(GST_BASE_SRC_PAD(base), &context);
	if (!gpu) {
		if (context)
			gst_object_unref(context);
		return gpu.error().describe();
	}
	Result<Plan> plan = s.planner.plan(gst::planRequest(s.constraints, { *gpu }, s.video, 4));
	std::string why = !plan ? plan.error().describe() : plan->copy ? plan->copyReason : "";
	if (plan && !plan->copy)
		if (Status read = tryGstGlReadBack(context, *plan); !read)
			why = std::string("a buffer as planned (") +
			      allocatorName(plan->allocator) + ", " + plan->allocatingDevice +
			      "): " + read.error().describe();
	gst_object_unref(context);
	if (!why.empty())
		return gpu->label() + ": " + why;
	s.gstGlGpu = std::move(*gpu);
	return {};
}

/*
 * A GStreamer GL element that took memory:DMABuf caps imports our dma-bufs without saying
 * what its GPU can use, and Mesa's software driver reads zeros from memory it can't use.
 * Ask before any buffer flows: if such an element answers the allocation query for the
 * caps just chosen, find its GPU and what it was probed to use; when no plan without a
 * copy suits it and the camera, negotiate again with system memory only.
 */
static gboolean src_negotiate(GstBaseSrc *base)
{
	SrcImpl &s = *impl(base);
	auto parent = GST_BASE_SRC_CLASS(gst_dmabridge_v4l2_src_parent_class);
	if (!parent->negotiate(base))
		return FALSE;
	GstCaps *caps = gst_pad_get_current_caps(GST_BASE_SRC_PAD(base));
	if (!gst::isDmaBufCaps(caps)) {
		if (caps)
			gst_caps_unref(caps);
		return TRUE;
	}
	GstQuery *query = gst_query_new_allocation(caps, TRUE);
	gst_caps_unref(caps);
	bool toGstGl = gst_pad_peer_query(GST_BASE_SRC_PAD(base), query) &&
		       answeredByGstGlOnly(base, query);
	gst_query_unref(query);
	if (!toGstGl)
		return TRUE;
	s.gstGlReason = planForGstGl(base);
	if (s.gstGlReason.empty())
		return TRUE;
	GST_INFO_OBJECT(base,
			"a GStreamer GL element took memory:DMABuf caps; offering it system "
			"memory instead: %s",
			s.gstGlReason.c_str());
	s.avoidDmaBufCaps = true;
	return parent->negotiate(base);
}

static gboolean src_decide_allocation(GstBaseSrc *base, GstQuery *query)
{
	SrcImpl &s = *impl(base);
	std::vector<DeviceConstraints> consumers = gst::consumersOf(query, s.announced);
	bool toGstGl = answeredByGstGlOnly(base, query);
	GstCaps *caps = nullptr;
	gst_query_parse_allocation(query, &caps, nullptr);
	bool dmaBufs = gst::isDmaBufCaps(caps);
	if (toGstGl && dmaBufs && s.gstGlGpu)
		consumers = { *s.gstGlGpu };
	bool described = !consumers.empty();
	if (!described)
		consumers = gst::upstreamImportersDownstream(GST_BASE_SRC_PAD(base));
	s.systemMemoryReason.clear();
	if (toGstGl && dmaBufs && !s.gstGlGpu)
		GST_WARNING_OBJECT(base,
				   "a GStreamer GL element took memory:DMABuf caps: it gets "
				   "dma-bufs its driver may not read (put video/x-raw caps before "
				   "it to have frames copied for it instead)");
	else if (toGstGl && !dmaBufs)
		s.systemMemoryReason =
			"downstream is a GStreamer GL element, which imports dma-bufs without "
			"saying what its GPU can use (Mesa's software driver reads zeros from "
			"memory it can't use): each frame is copied once into system memory for "
			"it" +
			(s.gstGlReason.empty() ? std::string()
					       : " (its GPU: " + s.gstGlReason + ")");
	/* The source allocates as planned: no pool is needed from downstream, only its count. */
	auto [count, countReason] = bufferCount(query);
	while (gst_query_get_n_allocation_pools(query) > 0)
		gst_query_remove_nth_allocation_pool(query, 0);

	PlanRequest request =
		gst::planRequest(s.constraints, consumers, s.video, count, countReason);
	std::string explanation;
	Result<CarriedOutPlan> done = s.planner.planAndCarryOut(request, [&](const Plan &planned,
									     bool &contiguous) {
		Plan plan = planned;
		if (s.ioMode == IoMode::Export)
			plan.allocator = AllocatorKind::ProducerExport;
		explanation = plan.explain();
		if (!described)
			explanation = std::string("No consumer described itself in the "
						  "allocation query") +
				      (consumers.empty() ? ". "
							 : "; planned for " + consumers[0].label() +
								   ", found downstream. ") +
				      explanation;
		else if (toGstGl && dmaBufs && s.gstGlGpu)
			explanation = "Downstream is a GStreamer GL element: planned for its GPU, "
				      "found through its GL context. " +
				      explanation;
		GST_INFO_OBJECT(base, "plan: %s", explanation.c_str());
		std::string note;
		Status status = carryOut(s, plan, note, contiguous);
		if (!status) {
			GST_WARNING_OBJECT(base, "%s; re-planning once",
					   status.error().describe().c_str());
		} else if (!note.empty()) {
			explanation += " " + note;
		}
		return status;
	});
	if (!done) {
		GST_ELEMENT_ERROR(base, RESOURCE, SETTINGS, ("%s", done.error().describe().c_str()),
				  (nullptr));
		return FALSE;
	}
	if (!s.systemMemoryReason.empty())
		explanation += " But " + s.systemMemoryReason + ".";
	s.stats.setExplanation(done->learned.empty() ? explanation
						     : done->learned + ". " + explanation);
	return TRUE;
}

/* Latency: one frame interval at least, as many as the queue holds at most. */
static gboolean src_query(GstBaseSrc *base, GstQuery *query)
{
	SrcImpl &s = *impl(base);
	if (GST_QUERY_TYPE(query) != GST_QUERY_LATENCY || !s.stream)
		return GST_BASE_SRC_CLASS(gst_dmabridge_v4l2_src_parent_class)->query(base, query);
	auto [num, den] = s.stream->device.frameInterval(V4l2Direction::Capture);
	GstClockTime frame = num ? gst_util_uint64_scale_int(GST_SECOND, int(num), int(den)) : 0;
	size_t buffers = s.pool ? std::max<size_t>(gst::buffersOf(s.pool).buffers.size(), 1) : 1;
	gst_query_set_latency(query, TRUE, frame, frame * buffers);
	return TRUE;
}

/* One copy of a captured frame into system memory, read inside the sync scope. */
static GstFlowReturn copyToSystemMemory(SrcImpl &s, unsigned index, GstBuffer **out)
{
	const gst::CaptureBuffers &captured = gst::buffersOf(s.pool);
	GstBuffer *buffer =
		gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&s.video.info), nullptr);
	s.stats.cpuAccesses++;
	CpuAccess read(captured.buffers[index][0], CpuAccessMode::Read, &s.stats.syncCalls);
	gst::FrameAccess write(buffer, s.video, CpuAccessMode::Write, s.stats);
	Result<uint64_t> bytes =
		read.isValid() && write.isValid()
			? gst::copyCounted(read.read(), captured.layout, write.write(),
					   write.layout(), s.stats)
			: Result<uint64_t>(Error(EIO, "cannot map the frame to copy it"));
	if (!bytes) {
		gst_buffer_unref(buffer);
		return GST_FLOW_ERROR;
	}
	s.stats.frames++;
	*out = buffer;
	return GST_FLOW_OK;
}

/* The frame's own V4L2 timestamp, as a reference timestamp (GST_BUFFER_OFFSET: sequence). */
static GstCaps *v4l2TimestampCaps()
{
	static GstCaps *caps = gst_caps_new_empty_simple("timestamp/x-v4l2");
	return caps;
}

/*
 * Stamps the frame's V4L2 timestamp on its buffer: one meta a buffer, marked pooled so
 * that the pool keeps it and the next frame updates it instead of allocating another.
 */
static void stampV4l2Time(GstBuffer *buffer, uint64_t timestampNs)
{
	gpointer state = nullptr;
	while (GstMeta *meta = gst_buffer_iterate_meta_filtered(
		       buffer, &state, GST_REFERENCE_TIMESTAMP_META_API_TYPE)) {
		auto *stamp = reinterpret_cast<GstReferenceTimestampMeta *>(meta);
		if (stamp->reference == v4l2TimestampCaps()) {
			stamp->timestamp = timestampNs;
			return;
		}
	}
	GstReferenceTimestampMeta *stamp = gst_buffer_add_reference_timestamp_meta(
		buffer, v4l2TimestampCaps(), timestampNs, GST_CLOCK_TIME_NONE);
	stamp->parent.flags = GstMetaFlags(stamp->parent.flags | GST_META_FLAG_POOLED);
}

/* The next frame from the device, as a buffer of the pool, or its copy. */
static GstFlowReturn makeFrame(GstPushSrc *push, GstBuffer **out)
{
	SrcImpl &s = *impl(push);
	std::shared_ptr<gst::CaptureQueue> stream = s.stream;
	{
		std::lock_guard<std::mutex> locker(stream->lock);
		if (!stream->streaming) {
			if (Status on = stream->device.streamOn(V4l2Direction::Capture); !on) {
				GST_ELEMENT_ERROR(push, RESOURCE, READ,
						  ("%s", on.error().describe().c_str()), (nullptr));
				return GST_FLOW_ERROR;
			}
			stream->streaming = true;
		}
	}
	Result<V4l2Dequeued> frame = stream->device.dequeue(
		V4l2Direction::Capture, gst::buffersOf(s.pool).memory, 10000, s.wake.get());
	if (!frame) {
		if (frame.error().code() == ECANCELED)
			return GST_FLOW_FLUSHING;
		GST_ELEMENT_ERROR(push, RESOURCE, READ, ("%s", frame.error().describe().c_str()),
				  (nullptr));
		return GST_FLOW_ERROR;
	}

	if (!s.systemMemoryReason.empty()) {
		GstFlowReturn ret = copyToSystemMemory(s, frame->index, out);
		gst::requeue(s.pool, frame->index);
		return ret;
	}

	GstBuffer *buffer = nullptr;
	if (gst::acquireCaptured(s.pool, frame->index, &buffer) != GST_FLOW_OK) {
		GST_ELEMENT_ERROR(push, RESOURCE, READ,
				  ("%s: buffer %u came back from the device twice",
				   stream->device.label().c_str(), frame->index),
				  (nullptr));
		return GST_FLOW_ERROR;
	}
	if (frame->error)
		GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_CORRUPTED);
	GST_BUFFER_OFFSET(buffer) = frame->sequence;
	stampV4l2Time(buffer, frame->timestampNs);
	s.stats.frames++;
	*out = buffer;
	return GST_FLOW_OK;
}

static GstFlowReturn src_create(GstPushSrc *push, GstBuffer **out)
{
	GstFlowReturn ret = makeFrame(push, out);
	if (ret == GST_FLOW_OK)
		gst::postStatsIfLastBuffer(GST_BASE_SRC(push), impl(push)->stats);
	return ret;
}

static gboolean src_send_event(GstElement *element, GstEvent *event)
{
	return gst::sendEventPostingStats(GST_ELEMENT_CLASS(gst_dmabridge_v4l2_src_parent_class),
					  element, event, impl(element)->stats);
}

static gboolean src_event(GstBaseSrc *base, GstEvent *event)
{
	if (impl(base)->announced.take(event))
		return TRUE;
	return GST_BASE_SRC_CLASS(gst_dmabridge_v4l2_src_parent_class)->event(base, event);
}

static gboolean src_unlock(GstBaseSrc *base)
{
	SrcImpl &s = *impl(base);
	uint64_t one = 1;
	if (s.wake)
		(void)!::write(s.wake.get(), &one, sizeof(one));
	return TRUE;
}

static gboolean src_unlock_stop(GstBaseSrc *base)
{
	SrcImpl &s = *impl(base);
	uint64_t value;
	if (s.wake)
		(void)!::read(s.wake.get(), &value, sizeof(value));
	return TRUE;
}

static void src_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
	SrcImpl &s = *impl(object);
	switch (id) {
	case PROP_DEVICE:
		s.devicePath = gst::stringOf(value);
		break;
	case PROP_DEVICE_NAME:
		s.deviceName = gst::stringOf(value);
		break;
	case PROP_IO_MODE:
		s.ioMode = IoMode(g_value_get_enum(value));
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
	}
}

static void src_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	SrcImpl &s = *impl(object);
	switch (id) {
	case PROP_DEVICE:
		g_value_set_string(value, s.devicePath.c_str());
		break;
	case PROP_DEVICE_NAME:
		g_value_set_string(value, s.deviceName.c_str());
		break;
	case PROP_IO_MODE:
		g_value_set_enum(value, int(s.ioMode));
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
	}
}

static void gst_dmabridge_v4l2_src_class_init(GstDmabridgeV4l2SrcClass *klass)
{
	GObjectClass *object = G_OBJECT_CLASS(klass);
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	GstBaseSrcClass *base = GST_BASE_SRC_CLASS(klass);
	object->set_property = src_set_property;
	object->get_property = src_get_property;
	object->finalize = gst::finalizeImpl<GstDmabridgeV4l2Src, SrcImpl,
					     &gst_dmabridge_v4l2_src_parent_class>;

	auto flags = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_property(
		object, PROP_DEVICE,
		g_param_spec_string("device", "Device",
				    "V4L2 device node (/dev/video0); wins over "
				    "device-name",
				    nullptr, flags));
	g_object_class_install_property(
		object, PROP_DEVICE_NAME,
		g_param_spec_string(
			"device-name", "Device name",
			"V4L2 device by name (bus_info platform name such as vivid-001, "
			"card, or sysfs name); empty: the first capture device",
			nullptr, flags));
	g_object_class_install_property(
		object, PROP_IO_MODE,
		g_param_spec_enum("io-mode", "I/O mode",
				  "Who allocates; leave it to the plan (auto) except to debug",
				  gst::ioModeType(), int(IoMode::Auto), flags));

	gst_element_class_set_static_metadata(
		element, "dmabridge V4L2 source", "Source/Video",
		"Captures from V4L2 into dma-bufs planned for every device downstream: no io-mode, "
		"heap or stride to choose by hand",
		"dmabridge");
	gst_element_class_add_pad_template(
		element,
		gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, gst::allFormatsCaps()));
	GST_ELEMENT_CLASS(klass)->change_state = src_change_state;
	base->start = src_start;
	base->stop = src_stop;
	base->get_caps = src_get_caps;
	base->set_caps = src_set_caps;
	base->negotiate = src_negotiate;
	base->decide_allocation = src_decide_allocation;
	base->event = src_event;
	base->unlock = src_unlock;
	base->query = src_query;
	base->unlock_stop = src_unlock_stop;
	GST_PUSH_SRC_CLASS(klass)->create = src_create;
	element->send_event = src_send_event;
	GST_DEBUG_CATEGORY_INIT(v4l2_src_debug, "dmabridgev4l2src", 0, "dmabridge V4L2 source");
}

static void gst_dmabridge_v4l2_src_init(GstDmabridgeV4l2Src *src)
{
	src->impl_ = new SrcImpl();
	gst_base_src_set_live(GST_BASE_SRC(src), TRUE);
	gst_base_src_set_format(GST_BASE_SRC(src), GST_FORMAT_TIME);
	gst_base_src_set_do_timestamp(GST_BASE_SRC(src), TRUE);
}
