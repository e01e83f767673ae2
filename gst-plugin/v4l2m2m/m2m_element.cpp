/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The m2m element's GStreamer face: its pads, properties and states, and which event or
 * query goes where. Stateful codecs don't give one frame per input buffer (a coded
 * chunk holds part of a frame or several, a drain comes at EOS, the stream may change
 * size), so this is a plain GstElement streaming both queues from the sink pad's thread,
 * not a GstBaseTransform. Caps and allocation are in m2m_negotiate.cpp, buffers in
 * m2m_stream.cpp.
 */
#include <sys/eventfd.h>
#include <unistd.h>

#include "../common/caps.h"
#include "../common/object_impl.h"
#include "m2m_private.h"

GST_DEBUG_CATEGORY(dmabridge_m2m_debug);
#define GST_CAT_DEFAULT dmabridge_m2m_debug

using namespace dmabridge;
using namespace dmabridge::gst::m2m;

namespace {

enum
{
	PROP_0,
	PROP_DEVICE,
	PROP_DEVICE_NAME,
	PROP_OUTPUT_IO_MODE,
	PROP_CAPTURE_IO_MODE
};

} /* namespace */

G_DEFINE_ABSTRACT_TYPE(GstDmabridgeV4l2M2m, gst_dmabridge_v4l2_m2m, GST_TYPE_ELEMENT)

namespace dmabridge::gst::m2m {

Element &impl(gpointer element)
{
	return *static_cast<Element *>(reinterpret_cast<GstDmabridgeV4l2M2m *>(element)->impl_);
}

M2mRole roleOf(gpointer element)
{
	return M2mRole(
		reinterpret_cast<GstDmabridgeV4l2M2mClass *>(G_OBJECT_GET_CLASS(element))->role);
}

} /* namespace dmabridge::gst::m2m */

static Result<std::unique_ptr<V4l2M2m>> openDevice(const Element &e)
{
	if (!e.devicePath.empty())
		return V4l2M2m::open(e.devicePath);
	if (!e.deviceName.empty())
		return V4l2M2m::openByName(e.deviceName);
	return V4l2M2m::find(e.role);
}

static bool start(GstDmabridgeV4l2M2m *self)
{
	Element &e = impl(self);
	Result<std::unique_ptr<V4l2M2m>> m2m = openDevice(e);
	if (m2m && (*m2m)->role() != e.role)
		m2m = Error(EINVAL, (*m2m)->label() + " is a " + m2mRoleName((*m2m)->role()) +
					    ", not a " + m2mRoleName(e.role));
	if (!m2m) {
		GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ_WRITE,
				  ("%s", m2m.error().describe().c_str()), (nullptr));
		return false;
	}
	e.m2m = std::move(*m2m);
	GST_INFO_OBJECT(self, "%s: %s", m2mRoleName(e.role), e.m2m->label().c_str());
	return true;
}

static GstStructure *extraStats(const Element &e)
{
	return gst_structure_new("extra", "coded-copies", G_TYPE_UINT64, guint64(e.codedCopies),
				 "coded-bytes-copied", G_TYPE_UINT64, guint64(e.codedBytesCopied),
				 "coded-sync-calls", G_TYPE_UINT64, guint64(e.codedSyncCalls),
				 "source-changes", G_TYPE_UINT64, guint64(e.sourceChanges),
				 "device", G_TYPE_STRING, e.m2m ? e.m2m->label().c_str() : "",
				 nullptr);
}

static void stop(GstDmabridgeV4l2M2m *self)
{
	Element &e = impl(self);
	if (e.m2m)
		(void)e.m2m->stop();
	e.stats.post(GST_ELEMENT(self), extraStats(e));
	releaseMemories(e);
	if (e.exportPool) {
		gst_buffer_pool_set_active(e.exportPool, FALSE);
		gst_object_unref(e.exportPool);
		e.exportPool = nullptr;
	}
	for (GstEvent *event : e.pending)
		gst_event_unref(event);
	e.pending.clear();
	e.times.clear();
	e.haveInput = e.capsSent = false;
	e.wake.reset();
}

static GstStateChangeReturn changeState(GstElement *element, GstStateChange transition)
{
	auto *self = reinterpret_cast<GstDmabridgeV4l2M2m *>(element);
	Element &e = impl(self);
	switch (transition) {
	case GST_STATE_CHANGE_NULL_TO_READY:
		if (!start(self))
			return GST_STATE_CHANGE_FAILURE;
		break;
	case GST_STATE_CHANGE_READY_TO_PAUSED:
		e.stats.reset();
		e.codedCopies = e.codedBytesCopied = e.codedSyncCalls = e.sourceChanges = 0;
		e.copyReason.clear();
		e.flushing = false;
		e.wake = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
		gst_segment_init(&e.segment, GST_FORMAT_TIME);
		break;
	case GST_STATE_CHANGE_PAUSED_TO_READY:
		/* Cut a wait of the streaming thread short before the pads deactivate. */
		flushStart(self);
		break;
	default:
		break;
	}
	GstStateChangeReturn ret = GST_ELEMENT_CLASS(gst_dmabridge_v4l2_m2m_parent_class)
					   ->change_state(element, transition);
	if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
		stop(self);
	if (transition == GST_STATE_CHANGE_READY_TO_NULL)
		e.m2m.reset();
	return ret;
}

/* Sticky events wait for our caps: GStreamer wants caps before a segment or tags. */
static gboolean forwardOrHold(GstDmabridgeV4l2M2m *self, GstEvent *event)
{
	Element &e = impl(self);
	bool sticky = int(GST_EVENT_TYPE(event)) & int(GST_EVENT_TYPE_STICKY);
	if (!e.capsSent && sticky && GST_EVENT_TYPE(event) != GST_EVENT_STREAM_START &&
	    GST_EVENT_TYPE(event) != GST_EVENT_EOS) {
		e.pending.push_back(event);
		return TRUE;
	}
	return gst_pad_push_event(self->srcpad, event);
}

static gboolean segmentEvent(GstDmabridgeV4l2M2m *self, GstEvent *event)
{
	Element &e = impl(self);
	const GstSegment *segment = nullptr;
	gst_event_parse_segment(event, &segment);
	e.framesSinceSegment = 0;
	if (segment->format == GST_FORMAT_TIME) {
		gst_segment_copy_into(segment, &e.segment);
		return forwardOrHold(self, event);
	}
	/* A byte stream (filesrc): frames come out in time, from its start. */
	gst_segment_init(&e.segment, GST_FORMAT_TIME);
	GstEvent *timed = gst_event_new_segment(&e.segment);
	gst_event_set_seqnum(timed, gst_event_get_seqnum(event));
	gst_event_unref(event);
	return forwardOrHold(self, timed);
}

static gboolean sinkEvent(GstPad *, GstObject *parent, GstEvent *event)
{
	auto *self = reinterpret_cast<GstDmabridgeV4l2M2m *>(parent);
	Element &e = impl(self);
	switch (GST_EVENT_TYPE(event)) {
	case GST_EVENT_CAPS: {
		GstCaps *caps = nullptr;
		gst_event_parse_caps(event, &caps);
		gboolean ok = setInputCaps(self, caps);
		gst_event_unref(event);
		return ok;
	}
	case GST_EVENT_SEGMENT:
		return segmentEvent(self, event);
	case GST_EVENT_FLUSH_START:
		flushStart(self);
		return gst_pad_push_event(self->srcpad, event);
	case GST_EVENT_FLUSH_STOP:
		flushStop(self);
		return gst_pad_push_event(self->srcpad, event);
	case GST_EVENT_EOS: {
		GstFlowReturn drained = drain(self);
		if (drained != GST_FLOW_OK && drained != GST_FLOW_FLUSHING)
			GST_WARNING_OBJECT(self, "draining ended with %s",
					   gst_flow_get_name(drained));
		e.stats.post(GST_ELEMENT(self), extraStats(e));
		pushPendingEvents(self);
		return gst_pad_push_event(self->srcpad, event);
	}
	default:
		return forwardOrHold(self, event);
	}
}

/* Answers a CAPS query on pad with what it takes for the query's filter. */
static gboolean answerCaps(GstDmabridgeV4l2M2m *self, GstPad *pad, GstQuery *query)
{
	GstCaps *filter = nullptr;
	gst_query_parse_caps(query, &filter);
	GstCaps *caps = padCaps(self, pad, filter);
	gst_query_set_caps_result(query, caps);
	gst_caps_unref(caps);
	return TRUE;
}

static gboolean sinkQuery(GstPad *pad, GstObject *parent, GstQuery *query)
{
	auto *self = reinterpret_cast<GstDmabridgeV4l2M2m *>(parent);
	switch (GST_QUERY_TYPE(query)) {
	case GST_QUERY_CAPS:
		return answerCaps(self, pad, query);
	case GST_QUERY_ALLOCATION:
		return proposeAllocation(self, query);
	default:
		return gst_pad_query_default(pad, parent, query);
	}
}

/* Downstream's announcements are about the capture queue's buffers: they stop here. */
static gboolean srcEvent(GstPad *pad, GstObject *parent, GstEvent *event)
{
	auto *self = reinterpret_cast<GstDmabridgeV4l2M2m *>(parent);
	if (impl(self).announced.take(event)) {
		gst_event_unref(event);
		return TRUE;
	}
	return gst_pad_event_default(pad, parent, event);
}

static gboolean srcQuery(GstPad *pad, GstObject *parent, GstQuery *query)
{
	auto *self = reinterpret_cast<GstDmabridgeV4l2M2m *>(parent);
	if (GST_QUERY_TYPE(query) != GST_QUERY_CAPS)
		return gst_pad_query_default(pad, parent, query);
	return answerCaps(self, pad, query);
}

static GstFlowReturn sinkChain(GstPad *, GstObject *parent, GstBuffer *buffer)
{
	return chain(reinterpret_cast<GstDmabridgeV4l2M2m *>(parent), buffer);
}

static void setProperty(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
	Element &e = impl(object);
	switch (id) {
	case PROP_DEVICE:
		e.devicePath = gst::stringOf(value);
		break;
	case PROP_DEVICE_NAME:
		e.deviceName = gst::stringOf(value);
		break;
	case PROP_OUTPUT_IO_MODE:
		e.outputIoMode = IoMode(g_value_get_enum(value));
		break;
	case PROP_CAPTURE_IO_MODE:
		e.captureIoMode = IoMode(g_value_get_enum(value));
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
	}
}

static void getProperty(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	Element &e = impl(object);
	switch (id) {
	case PROP_DEVICE:
		g_value_set_string(value, e.devicePath.c_str());
		break;
	case PROP_DEVICE_NAME:
		g_value_set_string(value, e.deviceName.c_str());
		break;
	case PROP_OUTPUT_IO_MODE:
		g_value_set_enum(value, int(e.outputIoMode));
		break;
	case PROP_CAPTURE_IO_MODE:
		g_value_set_enum(value, int(e.captureIoMode));
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
	}
}

static void gst_dmabridge_v4l2_m2m_class_init(GstDmabridgeV4l2M2mClass *klass)
{
	GObjectClass *object = G_OBJECT_CLASS(klass);
	object->set_property = setProperty;
	object->get_property = getProperty;
	object->finalize = gst::finalizeImpl<GstDmabridgeV4l2M2m, Element,
					     &gst_dmabridge_v4l2_m2m_parent_class>;
	GST_ELEMENT_CLASS(klass)->change_state = changeState;

	auto flags = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_property(
		object, PROP_DEVICE,
		g_param_spec_string("device", "Device",
				    "V4L2 memory-to-memory node (/dev/video10); wins over "
				    "device-name",
				    nullptr, flags));
	g_object_class_install_property(
		object, PROP_DEVICE_NAME,
		g_param_spec_string("device-name", "Device name",
				    "By name: bus_info platform name (vim2m), card, or sysfs "
				    "name (stateful-decoder); empty: the first device of the "
				    "element's kind that takes the stream's format",
				    nullptr, flags));
	g_object_class_install_property(
		object, PROP_OUTPUT_IO_MODE,
		g_param_spec_enum("output-io-mode", "Output queue I/O mode",
				  "Who allocates what the device reads; leave it to the plan "
				  "(auto) except to debug. export: upstream fills the device's "
				  "own buffers from a pool offered to it",
				  gst::ioModeType(), int(IoMode::Auto), flags));
	g_object_class_install_property(
		object, PROP_CAPTURE_IO_MODE,
		g_param_spec_enum("capture-io-mode", "Capture queue I/O mode",
				  "Who allocates what the device writes; leave it to the plan "
				  "(auto) except to debug",
				  gst::ioModeType(), int(IoMode::Auto), flags));
	GST_DEBUG_CATEGORY_INIT(dmabridge_m2m_debug, "dmabridgev4l2m2m", 0,
				"dmabridge V4L2 memory-to-memory elements");
}

static void gst_dmabridge_v4l2_m2m_init(GstDmabridgeV4l2M2m *self)
{
	self->impl_ = new Element();
	gst_segment_init(&impl(self).segment, GST_FORMAT_TIME);
}

/*
 * The pads, from the subclass's templates: during the base type's init the instance
 * still has the base class, which has none.
 */
void gst_dmabridge_v4l2_m2m_setup(GstDmabridgeV4l2M2m *self)
{
	impl(self).role = roleOf(self);
	GstElementClass *klass = GST_ELEMENT_GET_CLASS(self);
	self->sinkpad = gst_pad_new_from_template(gst_element_class_get_pad_template(klass, "sink"),
						  "sink");
	self->srcpad =
		gst_pad_new_from_template(gst_element_class_get_pad_template(klass, "src"), "src");
	gst_pad_set_chain_function(self->sinkpad, sinkChain);
	gst_pad_set_event_function(self->sinkpad, sinkEvent);
	gst_pad_set_query_function(self->sinkpad, sinkQuery);
	gst_pad_set_query_function(self->srcpad, srcQuery);
	gst_pad_set_event_function(self->srcpad, srcEvent);
	gst_element_add_pad(GST_ELEMENT(self), self->sinkpad);
	gst_element_add_pad(GST_ELEMENT(self), self->srcpad);
}
