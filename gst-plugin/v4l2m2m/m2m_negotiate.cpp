/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Caps and allocation of the m2m elements, in both directions. Upstream's allocation
 * query gets the output queue's constraints (in the layout the driver reads) and a pool
 * planned for them, or the output queue's own buffers when nothing else suits it. The
 * capture queue is planned with what downstream answers to ours, before the first frame.
 */
#include <algorithm>

#include <gst/allocators/allocators.h>

#include <dmabridge/coded_format.h>
#include <dmabridge/heap.h>

#include "../common/caps.h"
#include "../common/constraints_query.h"
#include "../common/dmabuf_memory.h"
#include "../common/planned_pool.h"
#include "m2m_private.h"

GST_DEBUG_CATEGORY_EXTERN(dmabridge_m2m_debug);
#define GST_CAT_DEFAULT dmabridge_m2m_debug

namespace dmabridge::gst::m2m {

namespace {

constexpr auto kOutput = V4l2Direction::Output;
constexpr auto kCapture = V4l2Direction::Capture;
/* Buffers of the capture queue: the device writes one while downstream shows another
 * and a queue may hold a few. */
constexpr unsigned kCaptureBuffers = 6;
constexpr unsigned kImportSlots = 8;
constexpr unsigned kStagingBuffers = 3;

/* Every size the queue takes, over all its formats. */
std::vector<SizeRange> queueSizes(V4l2M2m &m2m, V4l2Direction direction,
				  const DeviceConstraints &queue)
{
	SizeRange all{ UINT32_MAX, UINT32_MAX, 0, 0 };
	for (const FormatModifiers &format : queue.formats)
		for (const V4l2FrameSize &size :
		     m2m.device().frameSizes(direction, format.fourcc)) {
			all.minWidth = std::min(all.minWidth, size.minWidth);
			all.minHeight = std::min(all.minHeight, size.minHeight);
			all.maxWidth = std::max(all.maxWidth, size.maxWidth);
			all.maxHeight = std::max(all.maxHeight, size.maxHeight);
		}
	if (all.maxWidth == 0)
		return {};
	return { all };
}

GstCaps *rawCaps(V4l2M2m &m2m, V4l2Direction direction)
{
	const DeviceConstraints &queue =
		direction == kOutput ? m2m.outputConstraints() : m2m.captureConstraints();
	return capsFor(queue.formats, queueSizes(m2m, direction, queue));
}

GstStructure *codedStructure(const CodedFormat &format)
{
	std::string text(format.mediaType);
	if (!format.fields.empty())
		text += "," + std::string(format.fields);
	return gst_structure_from_string(text.c_str(), nullptr);
}

GstCaps *codedCaps(const std::vector<uint32_t> &formats)
{
	GstCaps *caps = gst_caps_new_empty();
	for (uint32_t v4l2 : formats)
		if (const CodedFormat *format = codedFormatFromV4l2(v4l2))
			gst_caps_append_structure(caps, codedStructure(*format));
	return caps;
}

bool pushCaps(GstDmabridgeV4l2M2m *self, GstCaps *caps)
{
	Element &e = impl(self);
	GST_INFO_OBJECT(self, "output caps %" GST_PTR_FORMAT, caps);
	bool ok = gst_pad_push_event(self->srcpad, gst_event_new_caps(caps));
	if (ok) {
		e.capsSent = true;
		pushPendingEvents(self);
	}
	return ok;
}

} /* namespace */

void pushPendingEvents(GstDmabridgeV4l2M2m *self)
{
	Element &e = impl(self);
	std::vector<GstEvent *> pending = std::move(e.pending);
	e.pending.clear();
	for (GstEvent *event : pending)
		gst_pad_push_event(self->srcpad, event);
}

GstCaps *padCaps(GstDmabridgeV4l2M2m *self, GstPad *pad, GstCaps *filter)
{
	Element &e = impl(self);
	GstPadDirection direction = GST_PAD_DIRECTION(pad);
	GstCaps *caps = !e.m2m ? gst_pad_get_pad_template_caps(pad)
			: gst_dmabridge_v4l2_m2m_carries_coded(e.role, direction)
				? codedCaps(e.m2m->codedFormats())
				: rawCaps(*e.m2m, direction == GST_PAD_SINK ? kOutput : kCapture);
	return applyFilter(caps, filter);
}

/*
 * The capture queue planned for downstream: it answers an allocation query for caps;
 * the plan is carried out and the queue started. An import the kernel refuses teaches
 * the planner, which re-plans once (as the camera source does).
 */
static bool configureCapture(GstDmabridgeV4l2M2m *self, GstCaps *caps, const Layout &driver)
{
	Element &e = impl(self);
	GstQuery *query = gst_query_new_allocation(caps, TRUE);
	bool answered = gst_pad_peer_query(self->srcpad, query);
	std::vector<DeviceConstraints> consumers =
		answered ? consumersOf(query, e.announced) : e.announced.drain();
	e.cropMeta = answered &&
		     gst_query_find_allocation_meta(query, GST_VIDEO_CROP_META_API_TYPE, nullptr);
	gst_query_unref(query);

	PlanRequest request{ e.m2m->constraintsFor(kCapture, driver, driver.width, driver.height),
			     consumers,
			     driver.fourcc,
			     driver.width,
			     driver.height,
			     kCaptureBuffers,
			     listHeaps() };
	std::string learned;
	for (int attempt = 0; attempt < 2; attempt++) {
		Result<Plan> plan = e.planner.plan(request);
		if (!plan) {
			GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS,
					  ("%s", plan.error().describe().c_str()), (nullptr));
			return false;
		}
		if (e.captureIoMode == IoMode::Export)
			plan->allocator = AllocatorKind::ProducerExport;
		Status done = e.m2m->allocateCapture(*plan, driver);
		if (done)
			done = e.m2m->startCapture();
		if (done) {
			e.captureLayout = driver;
			e.stats.allocations += plan->bufferCount;
			e.outputExplanation =
				(consumers.empty() ? "No consumer described itself downstream. "
						   : "") +
				plan->explain();
			if (!learned.empty())
				e.outputExplanation = learned + ". " + e.outputExplanation;
			return true;
		}
		(void)e.m2m->stopCapture();
		std::string lesson = e.planner.learnFromImportFailure(
			request.producer.name, true, plan->contiguous, done.error().code());
		if (attempt == 1 || lesson.empty()) {
			GST_ELEMENT_ERROR(
				self, RESOURCE, SETTINGS,
				("%s%s",
				 learned.empty() ? "" : (learned + "; then, re-planned: ").c_str(),
				 done.error().describe().c_str()),
				(nullptr));
			return false;
		}
		learned = lesson + " (" + done.error().describe() + ")";
		GST_WARNING_OBJECT(self, "%s; re-planning once", learned.c_str());
	}
	return false;
}

/* The input's buffers on the output queue: imported, or staged in buffers of its own. */
static Status configureInputBuffers(GstDmabridgeV4l2M2m *self, const Layout &driver)
{
	Element &e = impl(self);
	uint32_t fourcc = driver.fourcc;
	DeviceConstraints upstream;
	upstream.name = "upstream";
	upstream.formats = { { fourcc, {} } };
	Result<Plan> plan =
		e.outputIoMode == IoMode::Export
			? Result<Plan>(Error(ENOTSUP, "export was asked for"))
			: e.planner.plan({ upstream,
					   { e.m2m->constraintsFor(kOutput, driver,
								   uint32_t(e.in.info.width),
								   uint32_t(e.in.info.height)) },
					   fourcc,
					   uint32_t(e.in.info.width),
					   uint32_t(e.in.info.height),
					   kStagingBuffers,
					   listHeaps() });
	if (plan && !plan->copy) {
		e.inputExplanation = "input: " + e.m2m->label() + " imports upstream's dma-bufs (" +
				     plan->explain() + ")";
		e.stats.allocations += kStagingBuffers;
		return e.m2m->allocateOutput(kImportSlots, kStagingBuffers, &*plan, driver);
	}
	/* Nothing else suits it: upstream fills the device's own buffers. */
	e.inputExplanation = "input: upstream fills " + e.m2m->label() + "'s own buffers (" +
			     (plan ? plan->copyReason : plan.error().message()) + ")";
	if (Status own = e.m2m->allocateOutput(0, kCaptureBuffers, nullptr, driver); !own)
		return own;
	e.stats.allocations += kCaptureBuffers;
	GstCaps *caps = gst_video_info_to_caps(&e.in.info);
	e.exportPool = newExportPool(e.m2m, caps, &e.stats);
	gst_caps_unref(caps);
	return {};
}

/* A converter's output caps: what downstream takes, nearest to the input. */
static GstCaps *chooseOutputCaps(GstDmabridgeV4l2M2m *self, GstCaps *input)
{
	GstCaps *ours = padCaps(self, self->srcpad, nullptr);
	GstCaps *peer = gst_pad_peer_query_caps(self->srcpad, ours);
	gst_caps_unref(ours);
	if (gst_caps_is_empty(peer)) {
		gst_caps_unref(peer);
		return nullptr;
	}
	GstCaps *chosen = cheapestCaps(input, gst_caps_copy(peer), peer);
	gst_caps_unref(peer);
	chosen = gst_caps_make_writable(chosen);
	gint n = 0, d = 1;
	GstStructure *in = gst_caps_get_structure(input, 0);
	if (gst_structure_get_fraction(in, "framerate", &n, &d))
		gst_structure_fixate_field_nearest_fraction(gst_caps_get_structure(chosen, 0),
							    "framerate", n, d);
	return gst_caps_fixate(chosen);
}

static gboolean configureConverterOutput(GstDmabridgeV4l2M2m *self, GstCaps *input)
{
	Element &e = impl(self);
	GstCaps *caps = chooseOutputCaps(self, input);
	Result<VideoCaps> out = parseVideoCaps(caps);
	if (out)
		e.out = *out;
	if (!out) {
		GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
				  ("%s takes nothing downstream accepts", e.m2m->label().c_str()),
				  (nullptr));
		if (caps)
			gst_caps_unref(caps);
		return FALSE;
	}
	Result<Layout> driver = e.m2m->setRawFormat(
		kCapture, e.out.fourcc, uint32_t(e.out.info.width), uint32_t(e.out.info.height));
	gboolean ok = driver && pushCaps(self, caps) && configureCapture(self, caps, *driver);
	if (!driver)
		GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
				  ("%s", driver.error().describe().c_str()), (nullptr));
	e.visible = { 0, 0, uint32_t(e.out.info.width), uint32_t(e.out.info.height) };
	gst_caps_unref(caps);
	return ok;
}

static gboolean configureEncoderOutput(GstDmabridgeV4l2M2m *self)
{
	Element &e = impl(self);
	uint32_t width = uint32_t(e.in.info.width), height = uint32_t(e.in.info.height);
	Result<V4l2Format> coded = e.m2m->setCodedFormat(kCapture, e.codedFormat, width, height);
	Status ready = coded ? e.m2m->allocateCodedCapture(4) : Status(coded.error());
	if (ready)
		ready = e.m2m->startCapture();
	if (!ready) {
		GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS,
				  ("%s", ready.error().describe().c_str()), (nullptr));
		return FALSE;
	}
	e.stats.allocations += 4;
	GstCaps *caps = gst_caps_new_empty();
	gst_caps_append_structure(caps, codedStructure(*codedFormatFromV4l2(e.codedFormat)));
	gst_caps_set_simple(caps, "width", G_TYPE_INT, e.in.info.width, "height", G_TYPE_INT,
			    e.in.info.height, "framerate", GST_TYPE_FRACTION, e.in.info.fps_n,
			    e.in.info.fps_d, nullptr);
	gboolean ok = pushCaps(self, caps);
	gst_caps_unref(caps);
	e.outputExplanation = "output: " + e.m2m->label() + " writes " +
			      std::string(codedFormatFromV4l2(e.codedFormat)->name) +
			      " into its own buffers, exported";
	return ok;
}

/* A raw input (converter, encoder): the output queue's format and buffers. */
static gboolean setRawInput(GstDmabridgeV4l2M2m *self, GstCaps *caps)
{
	Element &e = impl(self);
	if (!takeVideoCaps(GST_ELEMENT(self), caps, e.in))
		return FALSE;
	if (e.haveInput) {
		/* New caps mid-stream: both queues start over. */
		(void)e.m2m->stop();
		releaseMemories(e);
	}
	e.fpsN = e.in.info.fps_n;
	e.fpsD = e.in.info.fps_d;
	uint32_t width = uint32_t(e.in.info.width), height = uint32_t(e.in.info.height);
	Result<Layout> driver = e.m2m->setRawFormat(kOutput, e.in.fourcc, width, height);
	Status status = driver ? Status() : Status(driver.error());
	if (status && e.role == M2mRole::Encoder) {
		/* Encoders read whole blocks: the driver's frame may be larger than ours. */
		if (driver->width != width || driver->height != height)
			status = e.m2m->setEncoderCrop({ 0, 0, width, height });
		if (status)
			status = e.m2m->subscribeEvents();
	}
	if (status)
		status = configureInputBuffers(self, *driver);
	if (!status) {
		GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
				  ("%s", status.error().describe().c_str()), (nullptr));
		return FALSE;
	}
	e.haveInput = true;
	return e.role == M2mRole::Encoder ? configureEncoderOutput(self)
					  : configureConverterOutput(self, caps);
}

/* The compressed format of caps; another decoder when this one doesn't read it. */
static Status setCodedInput(GstDmabridgeV4l2M2m *self, GstCaps *caps)
{
	Element &e = impl(self);
	const GstStructure *s = caps ? gst_caps_get_structure(caps, 0) : nullptr;
	const CodedFormat *format = s ? codedFormatFromName(gst_structure_get_name(s)) : nullptr;
	if (!format && !e.m2m->codedFormats().empty())
		format = codedFormatFromV4l2(e.m2m->codedFormats().front());
	if (!format)
		return Error(EINVAL, "no compressed format in the caps");
	const std::vector<uint32_t> &reads = e.m2m->codedFormats();
	if (!std::count(reads.begin(), reads.end(), format->v4l2)) {
		if (!e.devicePath.empty() || !e.deviceName.empty())
			return Error(EINVAL, e.m2m->label() + " does not decode " +
						     std::string(format->name));
		Result<std::unique_ptr<V4l2M2m>> other = V4l2M2m::find(e.role, format->v4l2);
		if (!other)
			return other.error();
		e.m2m = std::move(*other);
	}
	gint width = 0, height = 0;
	if (s) {
		gst_structure_get_int(s, "width", &width);
		gst_structure_get_int(s, "height", &height);
		if (!gst_structure_get_fraction(s, "framerate", &e.fpsN, &e.fpsD))
			e.fpsN = 0, e.fpsD = 1;
	}
	if (e.haveInput && e.codedFormat == format->v4l2)
		return {};
	if (e.haveInput) {
		(void)e.m2m->stop();
		releaseMemories(e);
	}
	e.codedFormat = format->v4l2;
	Result<V4l2Format> set =
		e.m2m->setCodedFormat(kOutput, format->v4l2, uint32_t(width), uint32_t(height));
	if (!set)
		return set.error();
	if (Status events = e.m2m->subscribeEvents(); !events)
		return events;
	/* The stream is copied in: compressed data is small, and read once. */
	if (Status own = e.m2m->allocateOutput(0, kStagingBuffers, nullptr, {}, set->sizeImage);
	    !own)
		return own;
	e.stats.allocations += kStagingBuffers;
	e.inputExplanation = "input: " + std::string(format->name) + " copied into " +
			     e.m2m->label() + "'s own buffers of " +
			     std::to_string(set->sizeImage) + " bytes";
	e.haveInput = true;
	return {};
}

gboolean setInputCaps(GstDmabridgeV4l2M2m *self, GstCaps *caps)
{
	Element &e = impl(self);
	if (!e.m2m)
		return FALSE;
	GST_INFO_OBJECT(self, "input caps %" GST_PTR_FORMAT, caps);
	if (e.role != M2mRole::Decoder) {
		if (e.role == M2mRole::Encoder && !e.codedFormat) {
			const std::vector<uint32_t> &writes = e.m2m->codedFormats();
			auto known = std::find_if(writes.begin(), writes.end(), [](uint32_t f) {
				return codedFormatFromV4l2(f) != nullptr;
			});
			e.codedFormat = known == writes.end() ? 0 : *known;
			GstCaps *peer = gst_pad_peer_query_caps(self->srcpad, nullptr);
			for (uint32_t f : writes) {
				const CodedFormat *format = codedFormatFromV4l2(f);
				if (!format || !peer)
					continue;
				GstCaps *one = gst_caps_new_empty();
				gst_caps_append_structure(one, codedStructure(*format));
				bool takes = gst_caps_can_intersect(one, peer);
				gst_caps_unref(one);
				if (takes) {
					e.codedFormat = f;
					break;
				}
			}
			if (peer)
				gst_caps_unref(peer);
		}
		return setRawInput(self, caps);
	}
	Status status = setCodedInput(self, caps);
	if (!status)
		GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
				  ("%s", status.error().describe().c_str()), (nullptr));
	return status.ok();
}

/* The formats downstream takes of those the capture queue writes, in its order. */
static std::vector<uint32_t> formatsDownstream(GstDmabridgeV4l2M2m *self)
{
	GstCaps *ours = padCaps(self, self->srcpad, nullptr);
	GstCaps *peer = gst_pad_peer_query_caps(self->srcpad, ours);
	gst_caps_unref(ours);
	std::vector<uint32_t> formats;
	for (guint i = 0; i < gst_caps_get_size(peer); i++) {
		auto taken =
			formatsOf(gst_caps_get_structure(peer, i), gst_caps_get_features(peer, i));
		for (const FormatModifiers &format : taken.value_or(std::vector<FormatModifiers>{}))
			if (!std::count(formats.begin(), formats.end(), format.fourcc))
				formats.push_back(format.fourcc);
	}
	gst_caps_unref(peer);
	return formats;
}

GstFlowReturn configureDecodedOutput(GstDmabridgeV4l2M2m *self)
{
	Element &e = impl(self);
	(void)e.m2m->stopCapture();
	releaseMemories(e);
	V4l2Rect visible;
	Result<Layout> driver = e.m2m->decodedFormat(formatsDownstream(self), &visible);
	Result<Layout> shown = driver ? visibleLayout(*driver, visible) : driver;
	if (!shown) {
		GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, ("%s", shown.error().describe().c_str()),
				  (nullptr));
		return GST_FLOW_NOT_NEGOTIATED;
	}
	e.visible = visible;
	/* The caps helper writes them (dma-buf memory first): what downstream takes first. */
	GstCaps *ours =
		capsFor({ { driver->fourcc, {} } },
			{ { visible.width, visible.height, visible.width, visible.height } });
	GstCaps *caps = gst_pad_peer_query_caps(self->srcpad, ours);
	gst_caps_unref(ours);
	if (gst_caps_is_empty(caps)) {
		gst_caps_unref(caps);
		GST_ELEMENT_ERROR(self, CORE, NEGOTIATION,
				  ("downstream takes no %s %ux%u", driver->describe().c_str(),
				   visible.width, visible.height),
				  (nullptr));
		return GST_FLOW_NOT_NEGOTIATED;
	}
	caps = gst_caps_truncate(caps);
	gst_structure_fixate_field_nearest_fraction(gst_caps_get_structure(caps, 0), "framerate",
						    e.fpsN, e.fpsD);
	caps = gst_caps_fixate(caps);
	if (Result<VideoCaps> out = parseVideoCaps(caps); out)
		e.out = *out;
	e.sourceChanges++;
	GST_INFO_OBJECT(self, "decoding %ux%u (visible %ux%u at %u,%u) as %s", driver->width,
			driver->height, visible.width, visible.height, visible.left, visible.top,
			driver->describe().c_str());
	bool ok = pushCaps(self, caps) && configureCapture(self, caps, *driver);
	gst_caps_unref(caps);
	return ok ? GST_FLOW_OK : GST_FLOW_NOT_NEGOTIATED;
}

gboolean proposeAllocation(GstDmabridgeV4l2M2m *self, GstQuery *query)
{
	Element &e = impl(self);
	if (!e.m2m || !e.haveInput || e.role == M2mRole::Decoder)
		return FALSE;
	DeviceConstraints queue =
		e.m2m->constraintsFor(kOutput, e.m2m->outputLayout(), uint32_t(e.in.info.width),
				      uint32_t(e.in.info.height));
	addConstraints(query, queue);
	announceConstraints(self->sinkpad, queue);
	gst_query_add_allocation_meta(query, GST_VIDEO_META_API_TYPE, nullptr);
	if (e.exportPool) {
		guint count = guint(e.m2m->outputBuffers().size());
		gst_query_add_allocation_pool(query, e.exportPool,
					      guint(e.m2m->outputLayout().bufferSize(0)), count,
					      count);
		return TRUE;
	}
	offerPlannedPool(GST_ELEMENT(self), query, { queue }, kHeldInputs + 2, &e.stats,
			 kHeldInputs);
	return TRUE;
}

} /* namespace dmabridge::gst::m2m */
