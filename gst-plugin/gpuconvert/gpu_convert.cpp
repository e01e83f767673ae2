/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The GPU converters' element: converts and scales on a GPU, dma-buf in and dma-buf out.
 *
 * Upstream is told what memory the GPU driver can really use (its probed constraints in
 * the allocation query, and a pool planned for them), so a camera that can import
 * captures straight into it. The output is planned for downstream and rendered into. An
 * input the driver can't use is staged with one counted copy, whose reason is in
 * dmabridge-stats and on GST_PERFORMANCE. When downstream waits on sync_files (it says so
 * in the allocation query: the KMS sink does), each output buffer carries the one its
 * rendering ends with and no one waits for the GPU here; otherwise the element waits.
 */
#include "gpu_convert.h"

#include <mutex>
#include <unordered_map>

#include <gst/video/video.h>

#include <dmabridge/heap.h>
#include <dmabridge/plan.h>

#include "../common/caps.h"
#include "../common/constraints_query.h"
#include "../common/dmabuf_memory.h"
#include "../common/object_impl.h"
#include "../common/planned_pool.h"
#include "../common/stats.h"
#include "../common/sync_file_meta.h"
#include "gpu_staging.h"

GST_DEBUG_CATEGORY_STATIC(gpu_convert_debug);
GST_DEBUG_CATEGORY_STATIC(performance);
#define GST_CAT_DEFAULT gpu_convert_debug

using namespace dmabridge;

namespace {

/* Buffers whose imports the converter may drop: their memory went, on any thread. */
struct GoneBuffers
{
	std::mutex lock;
	std::vector<BufferIdentity> identities;
};

struct GpuImpl
{
	std::optional<GpuBackend> gpu;
	std::optional<DrmDevice> ownership; /* its own fd: the GPU imports through the other */
	std::shared_ptr<GoneBuffers> gone = std::make_shared<GoneBuffers>();
	gst::VideoCaps in, out;
	GstBufferPool *outPool = nullptr;
	bool fences = false; /* downstream waits on each buffer's sync_file */
	uint64_t fenced = 0; /* frames handed out with one */
	gst::Staging staging;
	std::string lastReason;
	std::string outputExplanation; /* how the output was planned, and its fences */
	gst::ElementStats stats;
	gst::Announcements announced; /* by consumers of the output: they are not upstream's */
};

GpuImpl *impl(gpointer element)
{
	return static_cast<GpuImpl *>(reinterpret_cast<GstDmabridgeGpuConvert *>(element)->impl_);
}

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

G_DEFINE_ABSTRACT_TYPE(GstDmabridgeGpuConvert, gst_dmabridge_gpu_convert, GST_TYPE_BASE_TRANSFORM)

static gboolean gpu_start(GstBaseTransform *base)
{
	GpuImpl &g = *impl(base);
	g.stats.reset();
	g.fenced = 0;
	auto *klass = reinterpret_cast<GstDmabridgeGpuConvertClass *>(G_OBJECT_GET_CLASS(base));
	Result<GpuBackend> gpu = klass->open(reinterpret_cast<GstDmabridgeGpuConvert *>(base));
	if (!gpu) {
		GST_ELEMENT_ERROR(base, RESOURCE, OPEN_READ_WRITE,
				  ("%s", gpu.error().describe().c_str()), (nullptr));
		return FALSE;
	}
	if (gpu->drm)
		if (Result<DrmDevice> again = DrmDevice::open(gpu->drm->path()))
			g.ownership = std::move(*again);
	g.gpu = std::move(*gpu);
	GST_INFO_OBJECT(base, "GPU: %s; it uses %s (%s)", g.gpu->label.c_str(),
			g.gpu->sampler.usableMemory.value.describe().c_str(),
			g.gpu->sampler.usableMemory.source.c_str());
	return TRUE;
}

/* The stats with what only a GPU element knows: its images, fences and their source. */
static void postStats(GstBaseTransform *base)
{
	GpuImpl &g = *impl(base);
	GpuConverter *converter = g.gpu ? g.gpu->converter.get() : nullptr;
	g.stats.imports = converter ? converter->imports() : 0;
	GstStructure *extra = gst_structure_new(
		"extra", "gpu-images", G_TYPE_UINT64, guint64(converter ? converter->images() : 0),
		"fences", G_TYPE_UINT64, guint64(g.fenced), "fence-source", G_TYPE_STRING,
		converter ? converter->fenceSource().c_str() : "", nullptr);
	g.stats.post(GST_ELEMENT(base), extra);
}

static gboolean gpu_sink_event(GstBaseTransform *base, GstEvent *event)
{
	if (GST_EVENT_TYPE(event) == GST_EVENT_EOS)
		postStats(base);
	return GST_BASE_TRANSFORM_CLASS(gst_dmabridge_gpu_convert_parent_class)
		->sink_event(base, event);
}

static gboolean gpu_stop(GstBaseTransform *base)
{
	GpuImpl &g = *impl(base);
	GpuConverter *converter = g.gpu ? g.gpu->converter.get() : nullptr;
	postStats(base);
	if (g.outPool) {
		gst_buffer_pool_set_active(g.outPool, FALSE);
		gst_object_unref(g.outPool);
		g.outPool = nullptr;
	}
	g.staging.clear(converter);
	g.staging.forget();
	g.gpu.reset();
	g.ownership.reset();
	g.lastReason.clear();
	return TRUE;
}

static GstCaps *gpu_transform_caps(GstBaseTransform *, GstPadDirection direction, GstCaps *,
				   GstCaps *filter)
{
	GstCaps *result = direction == GST_PAD_SINK ? anySize(GpuConverter::canWrite)
						    : anySize(GpuConverter::canRead);
	return gst::applyFilter(result, filter);
}

static GstCaps *gpu_fixate_caps(GstBaseTransform *base, GstPadDirection direction, GstCaps *caps,
				GstCaps *othercaps)
{
	othercaps = gst::cheapestCaps(caps, othercaps);
	return GST_BASE_TRANSFORM_CLASS(gst_dmabridge_gpu_convert_parent_class)
		->fixate_caps(base, direction, caps, othercaps);
}

static gboolean gpu_set_caps(GstBaseTransform *base, GstCaps *incaps, GstCaps *outcaps)
{
	GpuImpl &g = *impl(base);
	g.staging.clear(g.gpu ? g.gpu->converter.get() : nullptr);
	return gst::takeVideoCaps(GST_ELEMENT(base), incaps, g.in) &&
	       gst::takeVideoCaps(GST_ELEMENT(base), outcaps, g.out);
}

static gboolean gpu_propose_allocation(GstBaseTransform *base, GstQuery *, GstQuery *query)
{
	GpuImpl &g = *impl(base);
	/* Upstream learns which memory the GPU can use, and gets a pool of it. */
	gst::addConstraints(query, g.gpu->sampler);
	gst::announceConstraints(GST_BASE_TRANSFORM_SINK_PAD(base), g.gpu->sampler);
	gst_query_add_allocation_meta(query, GST_VIDEO_META_API_TYPE, nullptr);
	gst::offerPlannedPool(GST_ELEMENT(base), query, { g.gpu->sampler }, 4, &g.stats);
	return TRUE;
}

static gboolean gpu_decide_allocation(GstBaseTransform *base, GstQuery *query)
{
	GpuImpl &g = *impl(base);
	std::vector<DeviceConstraints> consumers = gst::consumersOf(query, g.announced);
	/* The GPU renders into what it can use, planned for downstream too. */
	Result<Plan> plan = Planner().plan(gst::planRequest(g.gpu->renderer, consumers, g.out, 4));
	if (!plan || plan->copy) {
		GST_ELEMENT_ERROR(
			base, RESOURCE, SETTINGS,
			("no output buffers suit the GPU and downstream: %s",
			 plan ? plan->copyReason.c_str() : plan.error().describe().c_str()),
			(nullptr));
		return FALSE;
	}
	GST_INFO_OBJECT(base, "output plan: %s", plan->explain().c_str());
	g.fences = gst_query_find_allocation_meta(query, gst::syncFileMetaApiType(), nullptr);
	g.outputExplanation =
		"output: " + plan->explain() + " " +
		(g.fences ? "Downstream waits on sync_files: each frame carries the one its "
			    "rendering ends with (" +
				    g.gpu->converter->fenceSource() + ")."
			  : std::string("Downstream takes no sync_files: the GPU is waited for "
					"before each frame goes on."));
	g.stats.setExplanation(g.outputExplanation);
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
	return GST_BASE_TRANSFORM_CLASS(gst_dmabridge_gpu_convert_parent_class)
		->decide_allocation(base, query);
}

static GQuark importsQuark()
{
	static GQuark quark = g_quark_from_static_string("dmabridge-gpu-imports");
	return quark;
}

/*
 * Ties the converter's imports of buffer's dma-bufs to its memories: when a memory goes
 * (its pool went with a renegotiation), its identity is noted, and the imports are
 * dropped on the streaming thread, where the GPU context is.
 */
static void trackImports(GpuImpl &g, GstBuffer *buffer)
{
	struct Tracked
	{
		std::weak_ptr<GoneBuffers> gone;
		BufferIdentity identity;
	};
	for (guint i = 0; i < gst_buffer_n_memory(buffer); i++) {
		GstMemory *memory = gst_buffer_peek_memory(buffer, i);
		const DmaBuf *dmabuf = gst::dmaBufOf(memory);
		if (!dmabuf || gst_mini_object_get_qdata(GST_MINI_OBJECT(memory), importsQuark()))
			continue;
		gst_mini_object_set_qdata(
			GST_MINI_OBJECT(memory), importsQuark(),
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

static void releaseGoneImports(GpuImpl &g)
{
	std::vector<BufferIdentity> identities;
	{
		std::lock_guard<std::mutex> locker(g.gone->lock);
		identities.swap(g.gone->identities);
	}
	for (const BufferIdentity &identity : identities)
		g.gpu->converter->release(identity);
}

static GstFlowReturn fail(GstBaseTransform *base, const Error &error)
{
	GST_ELEMENT_ERROR(base, RESOURCE, WRITE, ("%s", error.describe().c_str()), (nullptr));
	return GST_FLOW_ERROR;
}

static GstFlowReturn gpu_transform(GstBaseTransform *base, GstBuffer *input, GstBuffer *output)
{
	GpuImpl &g = *impl(base);
	releaseGoneImports(g);
	Result<Layout> inLayout = gst::layoutOf(input, g.in);
	Result<Layout> outLayout = gst::layoutOf(output, g.out);
	std::vector<DmaBuf> source = gst::dmaBufsOf(input), target = gst::dmaBufsOf(output);
	if (!inLayout || !outLayout || target.size() != 1)
		return fail(base, Error(EINVAL, "the output is not a single dma-buf"));

	std::string reason =
		g.staging.reason(*g.gpu, g.ownership ? &*g.ownership : nullptr, source);
	if (!reason.empty()) {
		if (reason != g.lastReason) {
			GST_CAT_INFO_OBJECT(performance, base, "frame copy: %s", reason.c_str());
			g.lastReason = reason;
		}
		Result<DmaBuf> staged = g.staging.stage(*g.gpu, input, g.in, g.stats);
		if (!staged)
			return fail(base, staged.error());
		source = { *staged };
		inLayout = g.staging.layout();
		g.stats.setExplanation("one copy a frame to stage the input: " + reason + ". " +
				       g.outputExplanation);
	}
	UniqueFd fence;
	Status converted =
		g.gpu->converter->convert(source, *inLayout, target[0], *outLayout,
					  YuvEncoding::Bt601, g.fences ? &fence : nullptr);
	if (!converted)
		return fail(base, converted.error());
	if (fence) {
		gst::attachSyncFile(output, std::move(fence));
		g.fenced++;
	}
	if (reason.empty())
		trackImports(g, input);
	trackImports(g, output);
	g.stats.frames++;
	g.stats.imports = g.gpu->converter->imports();
	return GST_FLOW_OK;
}

static gboolean gpu_src_event(GstBaseTransform *base, GstEvent *event)
{
	if (impl(base)->announced.take(event)) {
		gst_event_unref(event);
		return TRUE;
	}
	return GST_BASE_TRANSFORM_CLASS(gst_dmabridge_gpu_convert_parent_class)
		->src_event(base, event);
}

static void gst_dmabridge_gpu_convert_class_init(GstDmabridgeGpuConvertClass *klass)
{
	GObjectClass *object = G_OBJECT_CLASS(klass);
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	GstBaseTransformClass *base = GST_BASE_TRANSFORM_CLASS(klass);
	object->finalize = gst::finalizeImpl<GstDmabridgeGpuConvert, GpuImpl,
					     &gst_dmabridge_gpu_convert_parent_class>;
	gst_element_class_add_pad_template(
		element, gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
					      anySize(GpuConverter::canRead)));
	gst_element_class_add_pad_template(element,
					   gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS,
								anySize(GpuConverter::canWrite)));
	base->start = gpu_start;
	base->stop = gpu_stop;
	base->transform_caps = gpu_transform_caps;
	base->fixate_caps = gpu_fixate_caps;
	base->set_caps = gpu_set_caps;
	base->propose_allocation = gpu_propose_allocation;
	base->decide_allocation = gpu_decide_allocation;
	base->src_event = gpu_src_event;
	base->sink_event = gpu_sink_event;
	base->transform = gpu_transform;
	base->passthrough_on_same_caps = FALSE;
	GST_DEBUG_CATEGORY_INIT(gpu_convert_debug, "dmabridgegpuconvert", 0,
				"dmabridge GPU converters");
	GST_DEBUG_CATEGORY_GET(performance, "GST_PERFORMANCE");
}

void gst_dmabridge_gpu_convert_describe(GstDmabridgeGpuConvertClass *klass, const char *api,
					Result<GpuBackend> (*open)(GstDmabridgeGpuConvert *))
{
	std::string name = std::string("dmabridge GPU converter (") + api + ")";
	std::string description =
		std::string("Converts (YUV to RGB) and scales with ") + api +
		", dma-buf in and out, planned so the camera captures into memory the GPU can use; "
		"stages with one counted copy what it can't";
	gst_element_class_set_metadata(GST_ELEMENT_CLASS(klass), name.c_str(),
				       "Filter/Converter/Video/Scaler", description.c_str(),
				       "dmabridge");
	klass->open = open;
}

static void gst_dmabridge_gpu_convert_init(GstDmabridgeGpuConvert *element)
{
	element->impl_ = new GpuImpl();
}
