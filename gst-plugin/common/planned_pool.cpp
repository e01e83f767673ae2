/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "planned_pool.h"

#include <gst/video/video.h>

#include <dmabridge/allocator.h>
#include <dmabridge/heap.h>

#include "dmabuf_memory.h"
#include "object_impl.h"

namespace {

struct PoolImpl
{
	dmabridge::Plan plan;
	dmabridge::gst::ElementStats *stats = nullptr;
};

} /* namespace */

struct GstDmabridgePool
{
	GstBufferPool parent;
	PoolImpl *impl_;
};

struct GstDmabridgePoolClass
{
	GstBufferPoolClass parent_class;
};

GST_DEBUG_CATEGORY_STATIC(pool_debug);
#define GST_CAT_DEFAULT pool_debug

/* The category is made with the type, not the class: offerPlannedPool() logs before
 * any pool exists. */
G_DEFINE_TYPE_WITH_CODE(GstDmabridgePool, gst_dmabridge_pool, GST_TYPE_BUFFER_POOL,
			GST_DEBUG_CATEGORY_INIT(pool_debug, "dmabridgepool", 0,
						"dmabridge planned buffer pool"))

static const gchar **gst_dmabridge_pool_get_options(GstBufferPool *)
{
	static const gchar *options[] = { GST_BUFFER_POOL_OPTION_VIDEO_META, nullptr };
	return options;
}

static GstFlowReturn gst_dmabridge_pool_alloc_buffer(GstBufferPool *pool, GstBuffer **out,
						     GstBufferPoolAcquireParams *)
{
	PoolImpl *impl = reinterpret_cast<GstDmabridgePool *>(pool)->impl_;
	dmabridge::Plan one = impl->plan;
	one.bufferCount = 1;
	dmabridge::Result<dmabridge::AllocatedBuffers> allocated =
		dmabridge::allocateBuffers(one, "gst-dmabridge-pool");
	if (!allocated) {
		GST_ERROR_OBJECT(pool, "%s", allocated.error().describe().c_str());
		return GST_FLOW_ERROR;
	}
	GstBuffer *buffer = gst_buffer_new();
	/* Whole dma-bufs still, the pool's size plan.bufferSize: sized to the frame, the GL
	 * converter's output put 3 of its 5 buffers to use with 64 KiB pages (not known why). */
	for (const dmabridge::DmaBuf &dmabuf : allocated->buffers)
		gst_buffer_append_memory(buffer, dmabridge::gst::wrapDmaBuf(dmabuf, dmabuf.size()));
	dmabridge::gst::addVideoMeta(buffer, allocated->layout);
	if (impl->stats)
		impl->stats->allocations++;
	*out = buffer;
	return GST_FLOW_OK;
}

static void gst_dmabridge_pool_class_init(GstDmabridgePoolClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize =
		dmabridge::gst::finalizeImpl<GstDmabridgePool, PoolImpl,
					     &gst_dmabridge_pool_parent_class>;
	GstBufferPoolClass *pool = GST_BUFFER_POOL_CLASS(klass);
	pool->get_options = gst_dmabridge_pool_get_options;
	pool->alloc_buffer = gst_dmabridge_pool_alloc_buffer;
}

static void gst_dmabridge_pool_init(GstDmabridgePool *pool)
{
	pool->impl_ = new PoolImpl();
}

namespace dmabridge::gst {

GstBufferPool *newPlannedPool(const Plan &plan, ElementStats *stats, GstCaps *caps, guint min,
			      guint max)
{
	auto *pool = static_cast<GstDmabridgePool *>(
		g_object_new(gst_dmabridge_pool_get_type(), nullptr));
	gst_object_ref_sink(pool);
	pool->impl_->plan = plan;
	pool->impl_->stats = stats;
	GstStructure *config = gst_buffer_pool_get_config(GST_BUFFER_POOL(pool));
	gst_buffer_pool_config_set_params(config, caps, guint(plan.bufferSize), min, max);
	gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
	gst_buffer_pool_set_config(GST_BUFFER_POOL(pool), config);
	return GST_BUFFER_POOL(pool);
}

PlanRequest planRequest(DeviceConstraints producer, std::vector<DeviceConstraints> consumers,
			const VideoCaps &video, unsigned count, std::string countReason)
{
	return { std::move(producer),
		 std::move(consumers),
		 video.fourcc,
		 uint32_t(GST_VIDEO_INFO_WIDTH(&video.info)),
		 uint32_t(GST_VIDEO_INFO_HEIGHT(&video.info)),
		 count,
		 listHeaps(),
		 std::move(countReason) };
}

void offerPlannedPool(GstElement *element, GstQuery *query,
		      const std::vector<DeviceConstraints> &consumers, unsigned count,
		      ElementStats *stats, unsigned held,
		      const std::optional<DeviceConstraints> &importer)
{
	g_type_ensure(gst_dmabridge_pool_get_type());
	GstCaps *caps = nullptr;
	gboolean needPool = FALSE;
	gst_query_parse_allocation(query, &caps, &needPool);
	if (!needPool || consumers.empty())
		return;
	Result<VideoCaps> video = parseVideoCaps(caps);
	if (!video)
		return;
	/* An upstream that said nothing of itself is told to allocate for the consumers. */
	DeviceConstraints unknown;
	unknown.name = "upstream";
	unknown.formats = { { video->fourcc, { video->modifier } } };
	PlanRequest request = planRequest(importer.value_or(unknown), consumers, *video, count);
	Result<Plan> plan = Planner().plan(request);
	if (importer && (!plan || plan->copy)) {
		GST_INFO_OBJECT(element, "no pool planned for %s too: %s",
				importer->label().c_str(),
				plan ? plan->copyReason.c_str() : plan.error().describe().c_str());
		request.producer = unknown;
		plan = Planner().plan(request);
	}
	if (!plan || plan->copy) {
		GST_INFO_OBJECT(element, "no pool to offer upstream: %s",
				plan ? plan->copyReason.c_str() : plan.error().describe().c_str());
		return;
	}
	GST_INFO_OBJECT(element, "offering upstream a pool: %s", plan->explain().c_str());
	if (stats)
		stats->setPoolExplanation(plan->explain());
	GstBufferPool *pool = newPlannedPool(*plan, stats, caps, held, 0);
	gst_query_add_allocation_pool(query, pool, guint(plan->bufferSize), held, 0);
	gst_object_unref(pool);
}

const Plan *planOf(GstBufferPool *pool)
{
	if (!pool || !G_TYPE_CHECK_INSTANCE_TYPE(pool, gst_dmabridge_pool_get_type()))
		return nullptr;
	return &reinterpret_cast<GstDmabridgePool *>(pool)->impl_->plan;
}

} /* namespace dmabridge::gst */
