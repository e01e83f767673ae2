/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridgeglconvert: converts and scales on the GPU, dma-buf in and dma-buf out.
 *
 * Upstream is told what memory the GPU driver can really use (its constraints in the
 * allocation query, and a pool planned for them), so a camera that can import captures
 * straight into it. The output is planned for downstream and rendered into as an EGL
 * image. An input the driver can't use (another exporter's memory, where Mesa's software
 * driver would crash, or system memory) is staged into GPU memory with one counted copy,
 * whose reason is in dmabridge-stats and on GST_PERFORMANCE.
 */
#include "gl_convert.h"

#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include <gst/video/video.h>

#include <dmabridge/drm.h>
#include <dmabridge/egl.h>
#include <dmabridge/frame_copy.h>
#include <dmabridge/gl_converter.h>
#include <dmabridge/heap.h>
#include <dmabridge/plan.h>

#include "../common/caps.h"
#include "../common/constraints_query.h"
#include "../common/dmabuf_memory.h"
#include "../common/frame_access.h"
#include "../common/planned_pool.h"
#include "../common/stats.h"

GST_DEBUG_CATEGORY_STATIC(gl_convert_debug);
GST_DEBUG_CATEGORY_STATIC(performance);
#define GST_CAT_DEFAULT gl_convert_debug

using namespace dmabridge;

namespace {

/* Buffers whose images the converter may drop: their memory went, on any thread. */
struct GoneBuffers
{
	std::mutex lock;
	std::vector<BufferIdentity> identities;
};

struct GlImpl
{
	std::string devicePath;
	std::string driverName;

	std::optional<DrmDevice> drm;
	std::optional<DrmDevice> ownership;   /* its own fd: EGL imports through drm's */
	std::optional<GlConverter> converter; /* owns the EGL device */
	std::shared_ptr<GoneBuffers> gone = std::make_shared<GoneBuffers>();
	DeviceConstraints gpu;
	gst::VideoCaps in, out;
	GstBufferPool *outPool = nullptr;
	std::unordered_map<BufferIdentity, bool> usable; /* by the GPU driver, as it is */
	std::vector<DmaBuf> staging;
	Layout stagingLayout;
	unsigned nextStaging = 0;
	std::string lastReason;
	gst::ElementStats stats;
	gst::Announcements announced; /* by consumers of the output: they are not upstream's */
};

GlImpl *impl(gpointer element)
{
	return static_cast<GlImpl *>(reinterpret_cast<GstDmabridgeGlConvert *>(element)->impl_);
}

enum
{
	PROP_0,
	PROP_DEVICE,
	PROP_DRIVER_NAME
};

std::vector<FormatModifiers> formatsWhere(bool (*test)(uint32_t))
{
	std::vector<FormatModifiers> result;
	for (const FormatInfo &format : formats())
		if (test(format.drm))
			result.push_back({ format.drm, {} });
	return result;
}

/* Caps of formats, any size, any frame rate: what the converter reads or writes. */
GstCaps *anySize(bool (*test)(uint32_t))
{
	return gst::capsFor(formatsWhere(test));
}

} /* namespace */

G_DEFINE_TYPE(GstDmabridgeGlConvert, gst_dmabridge_gl_convert, GST_TYPE_BASE_TRANSFORM)

static Result<DrmDevice> openGpu(const GlImpl &g)
{
	if (!g.devicePath.empty())
		return DrmDevice::open(g.devicePath);
	if (!g.driverName.empty())
		return DrmDevice::openByDriver(g.driverName);
	Result<DrmDevice> device = DrmDevice::openRenderDevice();
	if (!device)
		return Error(device.error().code(),
			     device.error().message() + " for EGL (set device or driver-name)");
	return device;
}

static gboolean gl_start(GstBaseTransform *base)
{
	GlImpl &g = *impl(base);
	g.stats.reset();
	Result<DrmDevice> drm = openGpu(g);
	Result<EglDevice> egl = drm ? EglDevice::open(*drm) : Result<EglDevice>(drm.error());
	Result<DeviceConstraints> gpu = egl ? egl->probe() : Result<DeviceConstraints>(egl.error());
	Result<GlConverter> converter =
		gpu ? GlConverter::create(std::move(*egl)) : Result<GlConverter>(gpu.error());
	if (!converter) {
		GST_ELEMENT_ERROR(base, RESOURCE, OPEN_READ_WRITE,
				  ("%s", converter.error().describe().c_str()), (nullptr));
		return FALSE;
	}
	converter->device().releaseCurrent(); /* the streaming thread makes it current */
	g.gpu = std::move(*gpu);
	if (Result<DrmDevice> again = DrmDevice::open(drm->path()))
		g.ownership = std::move(*again);
	g.drm = std::move(*drm);
	g.converter = std::move(*converter);
	GST_INFO_OBJECT(base, "GPU: %s on %s", g.converter->device().renderer().c_str(),
			g.drm->label().c_str());
	return TRUE;
}

static gboolean gl_stop(GstBaseTransform *base)
{
	GlImpl &g = *impl(base);
	g.stats.imports = g.converter ? g.converter->imports() : 0;
	GstStructure *images =
		gst_structure_new("extra", "egl-images", G_TYPE_UINT64,
				  guint64(g.converter ? g.converter->images() : 0), nullptr);
	g.stats.post(GST_ELEMENT(base), images);
	if (g.outPool) {
		gst_buffer_pool_set_active(g.outPool, FALSE);
		gst_object_unref(g.outPool);
		g.outPool = nullptr;
	}
	g.converter.reset();
	g.staging.clear();
	g.usable.clear();
	g.ownership.reset();
	g.drm.reset();
	g.lastReason.clear();
	return TRUE;
}

static GstCaps *gl_transform_caps(GstBaseTransform *, GstPadDirection direction, GstCaps *caps,
				  GstCaps *filter)
{
	(void)caps;
	GstCaps *result = direction == GST_PAD_SINK ? anySize(GlConverter::canWrite)
						    : anySize(GlConverter::canRead);
	return gst::applyFilter(result, filter);
}

static GstCaps *gl_fixate_caps(GstBaseTransform *base, GstPadDirection direction, GstCaps *caps,
			       GstCaps *othercaps)
{
	othercaps = gst::cheapestCaps(caps, othercaps);
	return GST_BASE_TRANSFORM_CLASS(gst_dmabridge_gl_convert_parent_class)
		->fixate_caps(base, direction, caps, othercaps);
}

static gboolean gl_set_caps(GstBaseTransform *base, GstCaps *incaps, GstCaps *outcaps)
{
	GlImpl &g = *impl(base);
	for (const DmaBuf &staging : g.staging)
		g.converter->release(staging.identity());
	g.staging.clear();
	return gst::takeVideoCaps(GST_ELEMENT(base), incaps, g.in) &&
	       gst::takeVideoCaps(GST_ELEMENT(base), outcaps, g.out);
}

/* A plan for buffers of video's format and size between producer and consumers. */
static Result<Plan> planFor(const DeviceConstraints &producer,
			    const std::vector<DeviceConstraints> &consumers,
			    const gst::VideoCaps &video, unsigned count)
{
	return Planner().plan({ producer, consumers, video.fourcc, uint32_t(video.info.width),
				uint32_t(video.info.height), count, listHeaps() });
}

static gboolean gl_propose_allocation(GstBaseTransform *base, GstQuery *, GstQuery *query)
{
	GlImpl &g = *impl(base);
	/* Upstream learns which memory the GPU can use, and gets a pool of it. */
	gst::addConstraints(query, g.gpu);
	gst::announceConstraints(GST_BASE_TRANSFORM_SINK_PAD(base), g.gpu);
	gst_query_add_allocation_meta(query, GST_VIDEO_META_API_TYPE, nullptr);
	gst::offerPlannedPool(GST_ELEMENT(base), query, { g.gpu }, 4, &g.stats);
	return TRUE;
}

static gboolean gl_decide_allocation(GstBaseTransform *base, GstQuery *query)
{
	GlImpl &g = *impl(base);
	std::vector<DeviceConstraints> consumers = gst::consumersOf(query, g.announced);
	/* The GPU renders into what it can use, planned for downstream too. */
	DeviceConstraints renderer = g.gpu;
	renderer.role = "EGL render target (" + g.converter->device().renderer() + ")";
	renderer.formats = formatsWhere(GlConverter::canWrite);
	renderer.canExport = true;
	Result<Plan> plan = planFor(renderer, consumers, g.out, 4);
	if (!plan || plan->copy) {
		GST_ELEMENT_ERROR(
			base, RESOURCE, SETTINGS,
			("no output buffers suit the GPU and downstream: %s",
			 plan ? plan->copyReason.c_str() : plan.error().describe().c_str()),
			(nullptr));
		return FALSE;
	}
	GST_INFO_OBJECT(base, "output plan: %s", plan->explain().c_str());
	g.stats.setExplanation("output: " + plan->explain());
	GstCaps *caps = nullptr;
	gst_query_parse_allocation(query, &caps, nullptr);
	if (g.outPool) {
		gst_buffer_pool_set_active(g.outPool, FALSE);
		gst_object_unref(g.outPool);
	}
	g.outPool = gst::newPlannedPool(*plan, &g.stats, caps, 2, 0);
	while (gst_query_get_n_allocation_pools(query) > 0)
		gst_query_remove_nth_allocation_pool(query, 0);
	gst_query_add_allocation_pool(query, g.outPool, guint(plan->bufferSize), 2, 0);
	return GST_BASE_TRANSFORM_CLASS(gst_dmabridge_gl_convert_parent_class)
		->decide_allocation(base, query);
}

/*
 * Why the GPU can't sample the input as it is; empty when it can. Whether its own device
 * allocated a buffer is asked once per buffer, through a DRM fd of the element's own.
 */
static std::string stagingReason(GlImpl &g, const std::vector<DmaBuf> &input)
{
	if (input.empty())
		return "upstream sent system memory";
	if (g.gpu.memoryOnlyFrom.value.empty())
		return {};
	auto known = g.usable.find(input[0].identity());
	if (known == g.usable.end()) {
		Result<bool> own = g.ownership
					   ? g.ownership->allocated(input[0])
					   : Result<bool>(Error(ENODEV, "no second fd of the GPU"));
		GST_DEBUG("buffer %lu allocated by %s: %s",
			  (unsigned long)input[0].identity().inode, g.drm->label().c_str(),
			  own ? (*own ? "yes" : "no") : own.error().describe().c_str());
		known = g.usable.emplace(input[0].identity(), own && *own).first;
	}
	if (known->second)
		return {};
	return g.gpu.name + " can only use buffers allocated by " + g.drm->label() + " (" +
	       g.gpu.memoryOnlyFrom.source + "); the input was exported by '" +
	       input[0].exporter() + "'";
}

/* Copies the input into a GPU buffer: both sides are CPU accesses, counted. */
static Result<DmaBuf> stage(GlImpl &g, GstBuffer *input)
{
	gst::FrameAccess read(input, g.in, CpuAccessMode::Read, g.stats);
	if (!read.isValid())
		return read.error();
	if (g.staging.empty()) {
		for (unsigned i = 0; i < 2; i++) {
			Result<DmaBuf> buffer =
				g.drm->allocateDumb(read.layout(), &g.stagingLayout);
			if (!buffer)
				return buffer.error();
			g.staging.push_back(std::move(*buffer));
			g.stats.allocations++;
		}
	}
	const DmaBuf &target = g.staging[g.nextStaging++ % g.staging.size()];
	g.stats.cpuAccesses++;
	CpuAccess write(target, CpuAccessMode::Write, &g.stats.syncCalls);
	if (!write.isValid())
		return write.error();
	Result<uint64_t> bytes =
		copyPixels(read.read(), read.layout(), write.write(), g.stagingLayout);
	if (!bytes)
		return bytes.error();
	g.stats.copies++;
	g.stats.bytesCopied += *bytes;
	return target;
}

GQuark imagesQuark()
{
	static GQuark quark = g_quark_from_static_string("dmabridge-gl-images");
	return quark;
}

/*
 * Ties the converter's images of buffer's dma-bufs to its memories: when a memory goes
 * (its pool went with a renegotiation), its identity is noted, and the images are
 * dropped on the streaming thread, where the context is made current.
 */
static void trackImages(GlImpl &g, GstBuffer *buffer)
{
	struct Tracked
	{
		std::weak_ptr<GoneBuffers> gone;
		BufferIdentity identity;
	};
	for (guint i = 0; i < gst_buffer_n_memory(buffer); i++) {
		GstMemory *memory = gst_buffer_peek_memory(buffer, i);
		const DmaBuf *dmabuf = gst::dmaBufOf(memory);
		if (!dmabuf || gst_mini_object_get_qdata(GST_MINI_OBJECT(memory), imagesQuark()))
			continue;
		gst_mini_object_set_qdata(
			GST_MINI_OBJECT(memory), imagesQuark(),
			new Tracked{ g.gone, dmabuf->identity() }, [](gpointer data) {
				auto *tracked = static_cast<Tracked *>(data);
				if (auto gone = tracked->gone.lock()) {
					std::lock_guard<std::mutex> locker(gone->lock);
					gone->identities.push_back(tracked->identity);
				}
				delete tracked;
			});
	}
}

static void releaseGoneImages(GlImpl &g)
{
	std::vector<BufferIdentity> identities;
	{
		std::lock_guard<std::mutex> locker(g.gone->lock);
		identities.swap(g.gone->identities);
	}
	for (const BufferIdentity &identity : identities)
		g.converter->release(identity);
}

static GstFlowReturn gl_transform(GstBaseTransform *base, GstBuffer *input, GstBuffer *output)
{
	GlImpl &g = *impl(base);
	releaseGoneImages(g);
	Result<Layout> inLayout = gst::layoutOf(input, g.in);
	Result<Layout> outLayout = gst::layoutOf(output, g.out);
	std::vector<DmaBuf> source = gst::dmaBufsOf(input), target = gst::dmaBufsOf(output);
	if (!inLayout || !outLayout || target.size() != 1) {
		GST_ELEMENT_ERROR(base, STREAM, FORMAT, ("output is not a single dma-buf"),
				  (nullptr));
		return GST_FLOW_ERROR;
	}

	std::string reason = stagingReason(g, source);
	if (!reason.empty()) {
		if (reason != g.lastReason) {
			GST_CAT_INFO_OBJECT(performance, base, "frame copy: %s", reason.c_str());
			g.lastReason = reason;
		}
		Result<DmaBuf> staged = stage(g, input);
		if (!staged) {
			GST_ELEMENT_ERROR(base, RESOURCE, WRITE,
					  ("%s", staged.error().describe().c_str()), (nullptr));
			return GST_FLOW_ERROR;
		}
		source = { *staged };
		inLayout = g.stagingLayout;
		g.stats.setExplanation("one copy a frame to stage the input: " + reason);
	}
	Status converted = g.converter->convert(source, *inLayout, target[0], *outLayout);
	if (!converted) {
		GST_ELEMENT_ERROR(base, RESOURCE, WRITE,
				  ("%s", converted.error().describe().c_str()), (nullptr));
		return GST_FLOW_ERROR;
	}
	if (reason.empty())
		trackImages(g, input);
	trackImages(g, output);
	g.stats.frames++;
	g.stats.imports = g.converter->imports();
	return GST_FLOW_OK;
}

static gboolean gl_src_event(GstBaseTransform *base, GstEvent *event)
{
	if (impl(base)->announced.take(event)) {
		gst_event_unref(event);
		return TRUE;
	}
	return GST_BASE_TRANSFORM_CLASS(gst_dmabridge_gl_convert_parent_class)
		->src_event(base, event);
}

static void gl_set_property(GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
	GlImpl &g = *impl(object);
	std::string text = g_value_get_string(value) ? g_value_get_string(value) : "";
	if (id == PROP_DEVICE)
		g.devicePath = text;
	else if (id == PROP_DRIVER_NAME)
		g.driverName = text;
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

static void gl_get_property(GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
	GlImpl &g = *impl(object);
	if (id == PROP_DEVICE)
		g_value_set_string(value, g.devicePath.c_str());
	else if (id == PROP_DRIVER_NAME)
		g_value_set_string(value, g.driverName.c_str());
	else
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
}

static void gl_finalize(GObject *object)
{
	delete impl(object);
	G_OBJECT_CLASS(gst_dmabridge_gl_convert_parent_class)->finalize(object);
}

static void gst_dmabridge_gl_convert_class_init(GstDmabridgeGlConvertClass *klass)
{
	GObjectClass *object = G_OBJECT_CLASS(klass);
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	GstBaseTransformClass *base = GST_BASE_TRANSFORM_CLASS(klass);
	object->set_property = gl_set_property;
	object->get_property = gl_get_property;
	object->finalize = gl_finalize;
	auto flags = GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
	g_object_class_install_property(object, PROP_DEVICE,
					g_param_spec_string("device", "Device",
							    "DRM node EGL runs on (/dev/dri/card0)",
							    nullptr, flags));
	g_object_class_install_property(
		object, PROP_DRIVER_NAME,
		g_param_spec_string("driver-name", "Driver name",
				    "DRM driver EGL runs on (vgem, v3d, panfrost...); empty: the "
				    "first render-only device",
				    nullptr, flags));
	gst_element_class_set_static_metadata(
		element, "dmabridge GPU converter", "Filter/Converter/Video/Scaler",
		"Converts (YUV to RGB) and scales with GLES, dma-buf in and out, planned so the "
		"camera captures into memory the GPU can use; stages with one counted copy what it "
		"can't",
		"dmabridge");
	gst_element_class_add_pad_template(
		element, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
					      anySize(GlConverter::canRead)));
	gst_element_class_add_pad_template(element,
					   gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS,
								anySize(GlConverter::canWrite)));
	base->start = gl_start;
	base->stop = gl_stop;
	base->transform_caps = gl_transform_caps;
	base->fixate_caps = gl_fixate_caps;
	base->set_caps = gl_set_caps;
	base->propose_allocation = gl_propose_allocation;
	base->decide_allocation = gl_decide_allocation;
	base->src_event = gl_src_event;
	base->transform = gl_transform;
	base->passthrough_on_same_caps = FALSE;
	GST_DEBUG_CATEGORY_INIT(gl_convert_debug, "dmabridgeglconvert", 0,
				"dmabridge GPU converter");
	GST_DEBUG_CATEGORY_GET(performance, "GST_PERFORMANCE");
}

static void gst_dmabridge_gl_convert_init(GstDmabridgeGlConvert *element)
{
	element->impl_ = new GlImpl();
	gst::postStatsOnEos(GST_BASE_TRANSFORM_SRC_PAD(element), GST_ELEMENT(element),
			    &impl(element)->stats);
}
