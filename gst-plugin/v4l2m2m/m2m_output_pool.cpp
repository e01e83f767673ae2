/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * When no dma-buf the output queue could import can be planned (no heap suits it, or
 * output-io-mode=export), upstream is offered the queue's own buffers (MMAP, exported)
 * as a pool: it draws into them, and the element queues each by its index, found by the
 * dma-buf's inode. Nothing is imported and nothing copied.
 */
#include <algorithm>

#include "../common/caps_dialect.h"
#include "../common/dmabuf_memory.h"
#include "../common/object_impl.h"
#include "m2m_private.h"

namespace {

struct ExportPoolImpl
{
	std::shared_ptr<dmabridge::V4l2M2m> m2m;
	dmabridge::gst::ElementStats *stats = nullptr;
	dmabridge::Layout layout;  /* the driver's, at the size of the caps */
	std::vector<bool> wrapped; /* by index: a GstBuffer of the pool holds it */
};

} /* namespace */

struct GstDmabridgeM2mExportPool
{
	GstBufferPool parent;
	ExportPoolImpl *impl_;
};

struct GstDmabridgeM2mExportPoolClass
{
	GstBufferPoolClass parent_class;
};

G_DEFINE_TYPE(GstDmabridgeM2mExportPool, gst_dmabridge_m2m_export_pool, GST_TYPE_BUFFER_POOL)

static const gchar **exportPoolOptions(GstBufferPool *)
{
	static const gchar *options[] = { GST_BUFFER_POOL_OPTION_VIDEO_META, nullptr };
	return options;
}

static GQuark indexQuark()
{
	static GQuark quark = g_quark_from_static_string("dmabridge-m2m-output-index");
	return quark;
}

/* Each of the queue's buffers in one GstBuffer at a time, whatever upstream reconfigures. */
static GstFlowReturn exportPoolAlloc(GstBufferPool *pool, GstBuffer **out,
				     GstBufferPoolAcquireParams *)
{
	ExportPoolImpl *impl = reinterpret_cast<GstDmabridgeM2mExportPool *>(pool)->impl_;
	std::vector<std::vector<dmabridge::DmaBuf>> own = impl->m2m->outputBuffers();
	impl->wrapped.resize(own.size(), false);
	auto free = std::find(impl->wrapped.begin(), impl->wrapped.end(), false);
	if (free == impl->wrapped.end()) {
		GST_ERROR_OBJECT(pool, "%s has %zu output buffers, all handed out",
				 impl->m2m->label().c_str(), own.size());
		return GST_FLOW_ERROR;
	}
	size_t index = size_t(free - impl->wrapped.begin());
	*free = true;
	GstBuffer *buffer = gst_buffer_new();
	dmabridge::gst::appendFrameMemories(buffer, own[index], impl->layout);
	dmabridge::gst::addVideoMeta(buffer, impl->layout);
	gst_mini_object_set_qdata(GST_MINI_OBJECT(buffer), indexQuark(),
				  GUINT_TO_POINTER(index + 1), nullptr);
	*out = buffer;
	return GST_FLOW_OK;
}

static void exportPoolFree(GstBufferPool *pool, GstBuffer *buffer)
{
	ExportPoolImpl *impl = reinterpret_cast<GstDmabridgeM2mExportPool *>(pool)->impl_;
	guint index =
		GPOINTER_TO_UINT(gst_mini_object_get_qdata(GST_MINI_OBJECT(buffer), indexQuark()));
	if (index && index <= impl->wrapped.size())
		impl->wrapped[index - 1] = false;
	GST_BUFFER_POOL_CLASS(gst_dmabridge_m2m_export_pool_parent_class)
		->free_buffer(pool, buffer);
}

/* Exactly as many buffers as the queue has: upstream may ask for another count. */
static gboolean exportPoolSetConfig(GstBufferPool *pool, GstStructure *config)
{
	ExportPoolImpl *impl = reinterpret_cast<GstDmabridgeM2mExportPool *>(pool)->impl_;
	GstCaps *caps = nullptr;
	guint size = 0;
	gst_buffer_pool_config_get_params(config, &caps, &size, nullptr, nullptr);
	guint count = guint(impl->m2m->outputBuffers().size());
	gst_buffer_pool_config_set_params(config, caps, size, count, count);
	return GST_BUFFER_POOL_CLASS(gst_dmabridge_m2m_export_pool_parent_class)
		->set_config(pool, config);
}

static void gst_dmabridge_m2m_export_pool_class_init(GstDmabridgeM2mExportPoolClass *klass)
{
	G_OBJECT_CLASS(klass)->finalize =
		dmabridge::gst::finalizeImpl<GstDmabridgeM2mExportPool, ExportPoolImpl,
					     &gst_dmabridge_m2m_export_pool_parent_class>;
	GstBufferPoolClass *pool = GST_BUFFER_POOL_CLASS(klass);
	pool->get_options = exportPoolOptions;
	pool->alloc_buffer = exportPoolAlloc;
	pool->free_buffer = exportPoolFree;
	pool->set_config = exportPoolSetConfig;
}

static void gst_dmabridge_m2m_export_pool_init(GstDmabridgeM2mExportPool *pool)
{
	pool->impl_ = new ExportPoolImpl();
}

namespace dmabridge::gst::m2m {

GstBufferPool *newExportPool(const std::shared_ptr<V4l2M2m> &m2m, GstCaps *caps,
			     ElementStats *stats)
{
	auto *pool = static_cast<GstDmabridgeM2mExportPool *>(
		g_object_new(gst_dmabridge_m2m_export_pool_get_type(), nullptr));
	gst_object_ref_sink(pool);
	pool->impl_->m2m = m2m;
	pool->impl_->stats = stats;
	pool->impl_->layout = m2m->outputLayout();
	if (Result<VideoCaps> video = parseVideoCaps(caps); video) {
		pool->impl_->layout.width = uint32_t(video->info.width);
		pool->impl_->layout.height = uint32_t(video->info.height);
	}
	guint count = guint(m2m->outputBuffers().size());
	GstStructure *config = gst_buffer_pool_get_config(GST_BUFFER_POOL(pool));
	gst_buffer_pool_config_set_params(config, caps, guint(frameBytes(m2m->outputLayout())),
					  count, count);
	gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
	gst_buffer_pool_set_config(GST_BUFFER_POOL(pool), config);
	return GST_BUFFER_POOL(pool);
}

} /* namespace dmabridge::gst::m2m */
