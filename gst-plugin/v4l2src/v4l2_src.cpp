/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridgev4l2src: V4L2 capture into buffers planned for every device downstream.
 *
 * decide_allocation() reads the consumers' constraints from the allocation query, plans
 * with the camera's own, and carries the plan out: buffers from a heap or a DRM device
 * the camera imports (V4L2_MEMORY_DMABUF), or the camera's own exported with EXPBUF. An
 * import the kernel refuses teaches the planner, which re-plans once. Each captured
 * buffer goes downstream as the same GstMemory every time, and is queued again when
 * downstream drops it.
 */
#include "v4l2_src.h"

#include <mutex>
#include <optional>
#include <sys/eventfd.h>
#include <unistd.h>

#include <gst/base/gstpushsrc.h>

#include <dmabridge/allocator.h>
#include <dmabridge/frame_copy.h>
#include <dmabridge/heap.h>
#include <dmabridge/plan.h>
#include <dmabridge/v4l2.h>

#include "../common/caps.h"
#include "../common/constraints_query.h"
#include "../common/dmabuf_memory.h"
#include "../common/stats.h"

GST_DEBUG_CATEGORY_STATIC(v4l2_src_debug);
#define GST_CAT_DEFAULT v4l2_src_debug

using namespace dmabridge;

namespace {

enum class IoMode
{
	Auto,
	Import,
	Export
};

/*
 * The capture queue and its buffers, shared with the buffers downstream holds: a buffer
 * dropped after the element stopped finds the stream stopped and is not queued again.
 */
struct Stream
{
	std::mutex lock;
	V4l2Device device;
	V4l2Memory memory = V4l2Memory::DmaBuf;
	Layout layout;
	std::vector<std::vector<DmaBuf>> buffers; /* per index, one per layout buffer */
	std::vector<std::vector<GstMemory *>> memories;
	bool streaming = false;
	bool stopped = false;
	unsigned generation = 0; /* bumped when renegotiation replaces the buffers */

	explicit Stream(V4l2Device camera) : device(std::move(camera)) {}
	~Stream()
	{
		for (auto &planes : memories)
			for (GstMemory *wrapped : planes)
				gst_memory_unref(wrapped);
	}

	Status queue(unsigned index)
	{
		if (memory == V4l2Memory::Mmap)
			return device.queueMmap(V4l2Direction::Capture, index);
		return device.queueDmaBuf(V4l2Direction::Capture, index, buffers[index], layout);
	}

	void requeue(unsigned index, unsigned ofGeneration)
	{
		std::lock_guard<std::mutex> locker(lock);
		if (stopped || ofGeneration != generation)
			return;
		if (Status status = queue(index); !status)
			GST_WARNING("%s", status.error().describe().c_str());
	}
};

struct SrcImpl
{
	std::string devicePath;
	std::string deviceName;
	IoMode ioMode = IoMode::Auto;

	std::shared_ptr<Stream> stream;
	DeviceConstraints constraints;
	Planner planner;
	GstVideoInfo info;
	UniqueFd wake;
	gst::ElementStats stats;
	/* Set when downstream is a GStreamer GL element that describes no GPU: frames go to
	 * it in system memory, copied once, as its dma-buf import can't be trusted. */
	std::string systemMemoryReason;
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

GType ioModeType()
{
	static GType type = [] {
		static const GEnumValue values[] = {
			{ int(IoMode::Auto), "Decided by the plan", "auto" },
			{ int(IoMode::Import), "Capture into planned buffers (V4L2_MEMORY_DMABUF)",
			  "import" },
			{ int(IoMode::Export), "Export the device's own buffers (MMAP + EXPBUF)",
			  "export" },
			{ 0, nullptr, nullptr },
		};
		return g_enum_register_static("GstDmabridgeV4l2IoMode", values);
	}();
	return type;
}

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

static gboolean src_start(GstBaseSrc *base)
{
	SrcImpl &s = *impl(base);
	s.stats.reset();
	s.avoidDmaBufCaps = false;
	Result<V4l2Device> camera = openCamera(s);
	if (!camera) {
		GST_ELEMENT_ERROR(base, RESOURCE, OPEN_READ_WRITE,
				  ("%s", camera.error().describe().c_str()), (nullptr));
		return FALSE;
	}
	Result<DeviceConstraints> constraints = camera->probe(V4l2Direction::Capture);
	if (!constraints) {
		GST_ELEMENT_ERROR(base, RESOURCE, SETTINGS,
				  ("%s", constraints.error().describe().c_str()), (nullptr));
		return FALSE;
	}
	if (!camera->accessNote().empty())
		GST_INFO_OBJECT(base, "%s: %s", camera->label().c_str(),
				camera->accessNote().c_str());
	s.constraints = std::move(*constraints);
	s.stream = std::make_shared<Stream>(std::move(*camera));
	s.wake = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
	return TRUE;
}

static void stopStream(SrcImpl &s)
{
	if (!s.stream)
		return;
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
	/* Buffers still downstream keep the stream (and the device) until they go. */
	s.stream.reset();
	s.wake.reset();
	return TRUE;
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
		GstVideoFormat gstFormat = gst::gstFormat(format.drm);
		if (gstFormat == GST_VIDEO_FORMAT_UNKNOWN)
			continue;
		std::vector<V4l2FrameSize> sizes =
			s.stream->device.frameSizes(V4l2Direction::Capture, format.drm);
		std::stable_partition(sizes.begin(), sizes.end(), [&](const V4l2FrameSize &size) {
			return current && size.minWidth == current->width &&
			       size.minHeight == current->height;
		});
		for (const V4l2FrameSize &size : sizes) {
			GstStructure *structure = gst_structure_new(
				"video/x-raw", "format", G_TYPE_STRING,
				gst_video_format_to_string(gstFormat), "framerate",
				GST_TYPE_FRACTION_RANGE, 0, 1, G_MAXINT, 1, nullptr);
			if (size.discrete())
				gst_structure_set(structure, "width", G_TYPE_INT,
						  int(size.minWidth), "height", G_TYPE_INT,
						  int(size.minHeight), nullptr);
			else
				gst_structure_set(structure, "width", GST_TYPE_INT_RANGE,
						  int(size.minWidth), int(size.maxWidth), "height",
						  GST_TYPE_INT_RANGE, int(size.minHeight),
						  int(size.maxHeight), nullptr);
			gst_caps_append_structure_full(
				dmabuf, gst_structure_copy(structure),
				gst_caps_features_new(GST_CAPS_FEATURE_MEMORY_DMABUF, nullptr));
			gst_caps_append_structure(system, structure);
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
	return gst_video_info_from_caps(&s.info, caps);
}

/*
 * Buffers for the plan, queued; the layout the driver accepted. note gets what the
 * allocation did that the plan didn't say, contiguous whether the buffers are.
 */
static Status carryOut(SrcImpl &s, const Plan &plan, std::string &note, bool &contiguous)
{
	Stream &stream = *s.stream;
	std::lock_guard<std::mutex> locker(stream.lock);
	V4l2Device &camera = stream.device;
	/* A renegotiation: the previous buffers go before the format can change. */
	if (!stream.buffers.empty()) {
		if (stream.streaming)
			(void)camera.streamOff(V4l2Direction::Capture);
		stream.streaming = false;
		(void)camera.requestBuffers(V4l2Direction::Capture, stream.memory, 0);
		stream.generation++;
	}
	stream.buffers.clear();
	for (auto &planes : stream.memories)
		for (GstMemory *wrapped : planes)
			gst_memory_unref(wrapped);
	stream.memories.clear();

	if (plan.allocator == AllocatorKind::ProducerExport) {
		Result<Layout> layout = camera.setFormat(V4l2Direction::Capture, plan.layout);
		if (!layout)
			return layout.error();
		Result<unsigned> count = camera.requestBuffers(V4l2Direction::Capture,
							       V4l2Memory::Mmap, plan.bufferCount);
		if (!count)
			return count.error();
		stream.memory = V4l2Memory::Mmap;
		stream.layout = *layout;
		contiguous = s.constraints.exportsContiguous.value;
		for (unsigned i = 0; i < *count; i++) {
			Result<std::vector<DmaBuf>> exported =
				camera.exportBuffer(V4l2Direction::Capture, i);
			if (!exported)
				return exported.error();
			stream.buffers.push_back(std::move(*exported));
			s.stats.allocations++;
		}
	} else {
		Result<AllocatedBuffers> allocated = allocateBuffers(plan, s.constraints.name);
		if (!allocated)
			return allocated.error();
		note = allocated->note;
		contiguous = allocated->contiguous;
		Result<Layout> layout = camera.setFormat(V4l2Direction::Capture, allocated->layout);
		if (!layout)
			return layout.error();
		if (layout->planes[0].stride != allocated->layout.planes[0].stride)
			return Error(EINVAL,
				     camera.label() + " wants stride " +
					     std::to_string(layout->planes[0].stride) +
					     " where the plan has " +
					     std::to_string(allocated->layout.planes[0].stride));
		Result<unsigned> count =
			camera.requestBuffers(V4l2Direction::Capture, V4l2Memory::DmaBuf,
					      unsigned(allocated->buffers.size()));
		if (!count)
			return count.error();
		stream.memory = V4l2Memory::DmaBuf;
		stream.layout = *layout;
		for (unsigned i = 0; i < *count; i++) {
			stream.buffers.push_back({ allocated->buffers[i] });
			s.stats.allocations++;
		}
	}

	for (unsigned i = 0; i < stream.buffers.size(); i++) {
		std::vector<GstMemory *> planes;
		for (const DmaBuf &buffer : stream.buffers[i])
			planes.push_back(gst::wrapDmaBuf(buffer));
		stream.memories.push_back(planes);
		if (Status queued = stream.queue(i); !queued)
			return queued;
		s.stats.imports++;
	}
	return {};
}

static bool isDmaBufCaps(GstCaps *caps)
{
	return caps && gst_caps_features_contains(gst_caps_get_features(caps, 0),
						  GST_CAPS_FEATURE_MEMORY_DMABUF);
}

/* A GStreamer GL element answered the query, and nothing that describes its device. */
static bool answeredByGstGlOnly(GstQuery *query)
{
	return gst::constraintsFrom(query).empty() && gst::answeredByGstGl(query);
}

/*
 * A GStreamer GL element that took memory:DMABuf caps would import our dma-bufs without
 * saying what its GPU can use, and Mesa's software driver reads zeros from them. Ask before
 * any buffer flows: if such an element answers the allocation query for the caps just
 * chosen, negotiate again with system memory only.
 */
static gboolean src_negotiate(GstBaseSrc *base)
{
	SrcImpl &s = *impl(base);
	auto parent = GST_BASE_SRC_CLASS(gst_dmabridge_v4l2_src_parent_class);
	if (!parent->negotiate(base))
		return FALSE;
	GstCaps *caps = gst_pad_get_current_caps(GST_BASE_SRC_PAD(base));
	if (!isDmaBufCaps(caps)) {
		if (caps)
			gst_caps_unref(caps);
		return TRUE;
	}
	GstQuery *query = gst_query_new_allocation(caps, TRUE);
	gst_caps_unref(caps);
	bool toGstGl =
		gst_pad_peer_query(GST_BASE_SRC_PAD(base), query) && answeredByGstGlOnly(query);
	gst_query_unref(query);
	if (!toGstGl)
		return TRUE;
	GST_INFO_OBJECT(base, "a GStreamer GL element took memory:DMABuf caps; offering it "
			      "system memory instead");
	s.avoidDmaBufCaps = true;
	return parent->negotiate(base);
}

static gboolean src_decide_allocation(GstBaseSrc *base, GstQuery *query)
{
	SrcImpl &s = *impl(base);
	std::vector<DeviceConstraints> consumers = gst::constraintsFrom(query);
	s.systemMemoryReason.clear();
	GstCaps *caps = nullptr;
	gst_query_parse_allocation(query, &caps, nullptr);
	bool toGstGl = answeredByGstGlOnly(query);
	if (toGstGl && isDmaBufCaps(caps))
		GST_WARNING_OBJECT(base,
				   "a GStreamer GL element took memory:DMABuf caps: it gets "
				   "dma-bufs its driver may not read (put video/x-raw caps before "
				   "it to have frames copied for it instead)");
	else if (toGstGl)
		s.systemMemoryReason =
			"downstream is a GStreamer GL element, which imports dma-bufs without "
			"saying "
			"what its GPU can use (Mesa's software driver reads zeros from them): each "
			"frame is copied once into system memory for it";
	/* The source allocates as planned: no pool is needed from downstream. */
	while (gst_query_get_n_allocation_pools(query) > 0)
		gst_query_remove_nth_allocation_pool(query, 0);

	uint32_t fourcc = gst::drmFormat(GST_VIDEO_INFO_FORMAT(&s.info));
	PlanRequest request{ s.constraints,
			     consumers,
			     fourcc,
			     uint32_t(GST_VIDEO_INFO_WIDTH(&s.info)),
			     uint32_t(GST_VIDEO_INFO_HEIGHT(&s.info)),
			     4,
			     listHeaps() };
	std::string explanation;
	Result<CarriedOutPlan> done =
		s.planner.planAndCarryOut(request, [&](const Plan &planned, bool &contiguous) {
			Plan plan = planned;
			if (s.ioMode == IoMode::Export)
				plan.allocator = AllocatorKind::ProducerExport;
			explanation = plan.explain();
			if (consumers.empty())
				explanation =
					"No consumer described itself in the allocation query. " +
					explanation;
			GST_INFO_OBJECT(base, "plan: %s", explanation.c_str());
			std::string note;
			Status status = carryOut(s, plan, note, contiguous);
			if (!status) {
				(void)s.stream->device.requestBuffers(V4l2Direction::Capture,
								      s.stream->memory, 0);
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
	size_t buffers = std::max<size_t>(s.stream->buffers.size(), 1);
	gst_query_set_latency(query, TRUE, frame, frame * buffers);
	return TRUE;
}

/* One copy of a captured frame into system memory, inside the sync scope. */
static GstFlowReturn copyToSystemMemory(SrcImpl &s, Stream &stream, unsigned index, GstBuffer **out)
{
	GstBuffer *buffer = gst_buffer_new_allocate(nullptr, GST_VIDEO_INFO_SIZE(&s.info), nullptr);
	Result<Layout> packed = gst::layoutOf(nullptr, s.info);
	CpuAccess read(stream.buffers[index][0], CpuAccessMode::Read, &s.stats.syncCalls);
	GstMapInfo map;
	if (!packed || !read.isValid() || !gst_buffer_map(buffer, &map, GST_MAP_WRITE)) {
		gst_buffer_unref(buffer);
		return GST_FLOW_ERROR;
	}
	Result<uint64_t> bytes =
		copyPixels(read.read(), stream.layout, { map.data, map.size }, *packed);
	gst_buffer_unmap(buffer, &map);
	if (!bytes) {
		gst_buffer_unref(buffer);
		return GST_FLOW_ERROR;
	}
	s.stats.copies++;
	s.stats.bytesCopied += *bytes;
	s.stats.frames++;
	*out = buffer;
	return GST_FLOW_OK;
}

static GstFlowReturn src_create(GstPushSrc *push, GstBuffer **out)
{
	SrcImpl &s = *impl(push);
	std::shared_ptr<Stream> stream = s.stream;
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
	Result<V4l2Dequeued> frame =
		stream->device.dequeue(V4l2Direction::Capture, stream->memory, 10000, s.wake.get());
	if (!frame) {
		if (frame.error().code() == ECANCELED)
			return GST_FLOW_FLUSHING;
		GST_ELEMENT_ERROR(push, RESOURCE, READ, ("%s", frame.error().describe().c_str()),
				  (nullptr));
		return GST_FLOW_ERROR;
	}

	if (!s.systemMemoryReason.empty()) {
		GstFlowReturn ret = copyToSystemMemory(s, *stream, frame->index, out);
		stream->requeue(frame->index, stream->generation);
		return ret;
	}

	GstBuffer *buffer = gst_buffer_new();
	for (GstMemory *memory : stream->memories[frame->index])
		gst_buffer_append_memory(buffer, gst_memory_ref(memory));
	gst::addVideoMeta(buffer, stream->layout);
	if (frame->error)
		GST_BUFFER_FLAG_SET(buffer, GST_BUFFER_FLAG_CORRUPTED);
	struct Return
	{
		std::shared_ptr<Stream> stream;
		unsigned index;
		unsigned generation;
	};
	gst_mini_object_weak_ref(
		GST_MINI_OBJECT(buffer),
		[](gpointer data, GstMiniObject *) {
			auto *back = static_cast<Return *>(data);
			back->stream->requeue(back->index, back->generation);
			delete back;
		},
		new Return{ stream, frame->index, stream->generation });
	s.stats.frames++;
	*out = buffer;
	return GST_FLOW_OK;
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
	auto text = [&] {
		return std::string(g_value_get_string(value) ? g_value_get_string(value) : "");
	};
	switch (id) {
	case PROP_DEVICE:
		s.devicePath = text();
		break;
	case PROP_DEVICE_NAME:
		s.deviceName = text();
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

static void src_finalize(GObject *object)
{
	delete impl(object);
	G_OBJECT_CLASS(gst_dmabridge_v4l2_src_parent_class)->finalize(object);
}

static void gst_dmabridge_v4l2_src_class_init(GstDmabridgeV4l2SrcClass *klass)
{
	GObjectClass *object = G_OBJECT_CLASS(klass);
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	GstBaseSrcClass *base = GST_BASE_SRC_CLASS(klass);
	object->set_property = src_set_property;
	object->get_property = src_get_property;
	object->finalize = src_finalize;

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
				  ioModeType(), int(IoMode::Auto), flags));

	gst_element_class_set_static_metadata(
		element, "dmabridge V4L2 source", "Source/Video",
		"Captures from V4L2 into dma-bufs planned for every device downstream: no io-mode, "
		"heap or stride to choose by hand",
		"dmabridge");
	gst_element_class_add_pad_template(
		element,
		gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, gst::allFormatsCaps()));
	base->start = src_start;
	base->stop = src_stop;
	base->get_caps = src_get_caps;
	base->set_caps = src_set_caps;
	base->negotiate = src_negotiate;
	base->decide_allocation = src_decide_allocation;
	base->unlock = src_unlock;
	base->query = src_query;
	base->unlock_stop = src_unlock_stop;
	GST_PUSH_SRC_CLASS(klass)->create = src_create;
	GST_DEBUG_CATEGORY_INIT(v4l2_src_debug, "dmabridgev4l2src", 0, "dmabridge V4L2 source");
}

static void gst_dmabridge_v4l2_src_init(GstDmabridgeV4l2Src *src)
{
	src->impl_ = new SrcImpl();
	gst_base_src_set_live(GST_BASE_SRC(src), TRUE);
	gst_base_src_set_format(GST_BASE_SRC(src), GST_FORMAT_TIME);
	gst_base_src_set_do_timestamp(GST_BASE_SRC(src), TRUE);
	gst::postStatsOnEos(GST_BASE_SRC_PAD(src), GST_ELEMENT(src), &impl(src)->stats);
}
