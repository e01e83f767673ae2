/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pool never hands a buffer out on its own: the element dequeues (DQBUF, which can be
 * woken and fails with the device's reason) and then takes that index's GstBuffer. Each
 * GstBuffer is the pool's for its whole life; downstream holds it between the two.
 */
#include "capture_pool.h"

#include <gst/video/video.h>

#include "../common/dmabuf_memory.h"
#include "../common/object_impl.h"

GST_DEBUG_CATEGORY_STATIC(capture_pool_debug);
#define GST_CAT_DEFAULT capture_pool_debug

namespace {

using dmabridge::gst::CaptureBuffers;
using dmabridge::gst::CaptureQueue;

/* acquire_buffer's params carry the V4L2 index in start, marked by this flag. */
constexpr auto kAcquireIndex = GstBufferPoolAcquireFlags(GST_BUFFER_POOL_ACQUIRE_FLAG_LAST << 1);

struct Slot
{
	GstBuffer *buffer = nullptr; /* the pool's reference, lent out while outstanding */
	bool outstanding = false;
	unsigned heldByCopies = 0; /* memories a copy still holds: not queued until 0 */
};

struct PoolImpl
{
	std::shared_ptr<CaptureQueue> queue;
	CaptureBuffers buffers;
	std::mutex lock; /* slots and retired; taken before queue->lock, never after */
	std::vector<Slot> slots;
	bool retired = false;

	~PoolImpl()
	{
		for (Slot &slot : slots)
			gst_buffer_unref(slot.buffer);
	}
};

} /* namespace */

struct GstDmabridgeCapturePool
{
	GstBufferPool parent;
	PoolImpl *impl_;
};

struct GstDmabridgeCapturePoolClass
{
	GstBufferPoolClass parent_class;
};

G_DEFINE_TYPE_WITH_CODE(GstDmabridgeCapturePool, gst_dmabridge_capture_pool, GST_TYPE_BUFFER_POOL,
			GST_DEBUG_CATEGORY_INIT(capture_pool_debug, "dmabridgecapturepool", 0,
						"dmabridge V4L2 capture pool"))

namespace {

PoolImpl &implOf(GstBufferPool *pool)
{
	return *reinterpret_cast<GstDmabridgeCapturePool *>(pool)->impl_;
}

GQuark indexQuark()
{
	static GQuark quark = g_quark_from_static_string("dmabridge-capture-index");
	return quark;
}

void appendMemories(const PoolImpl &p, GstBuffer *buffer, unsigned index)
{
	dmabridge::gst::appendFrameMemories(buffer, p.buffers.buffers[index], p.buffers.layout);
	GST_BUFFER_FLAG_UNSET(buffer, GST_BUFFER_FLAG_TAG_MEMORY);
}

GstBuffer *makeBuffer(const PoolImpl &p, unsigned index)
{
	GstBuffer *buffer = gst_buffer_new();
	appendMemories(p, buffer, index);
	dmabridge::gst::addVideoMeta(buffer, p.buffers.layout);
	/* Kept when the pool resets the buffer on its way back. */
	GstMeta *meta = gst_buffer_get_meta(buffer, GST_VIDEO_META_API_TYPE);
	meta->flags = GstMetaFlags(meta->flags | GST_META_FLAG_POOLED);
	gst_mini_object_set_qdata(GST_MINI_OBJECT(buffer), indexQuark(),
				  GUINT_TO_POINTER(index + 1), nullptr);
	return buffer;
}

dmabridge::Status queueIndex(PoolImpl &p, unsigned index)
{
	CaptureQueue &q = *p.queue;
	std::lock_guard<std::mutex> locker(q.lock);
	if (q.stopped)
		return {};
	if (p.buffers.memory == dmabridge::V4l2Memory::Mmap)
		return q.device.queueMmap(dmabridge::V4l2Direction::Capture, index);
	return q.device.queueDmaBuf(dmabridge::V4l2Direction::Capture, index,
				    p.buffers.buffers[index], p.buffers.layout);
}

/* The V4L2 buffer back to the device, unless the pool was retired. */
void giveBack(GstBufferPool *pool, unsigned index)
{
	PoolImpl &p = implOf(pool);
	std::lock_guard<std::mutex> locker(p.lock);
	if (p.retired)
		return;
	if (dmabridge::Status status = queueIndex(p, index); !status)
		GST_WARNING_OBJECT(pool, "%s", status.error().describe().c_str());
}

struct HeldByCopy
{
	GstBufferPool *pool; /* a reference */
	unsigned index;
};

/* The last holder of a memory a copy kept let go. */
void copyReleased(gpointer data, GstMiniObject *)
{
	auto *held = static_cast<HeldByCopy *>(data);
	PoolImpl &p = implOf(held->pool);
	bool free = false;
	{
		std::lock_guard<std::mutex> locker(p.lock);
		Slot &slot = p.slots[held->index];
		if (--slot.heldByCopies == 0) {
			appendMemories(p, slot.buffer, held->index);
			free = true;
		}
	}
	GST_DEBUG_OBJECT(held->pool, "buffer %u: a copy released its memory%s", held->index,
			 free ? ", queued again" : "");
	if (free)
		giveBack(held->pool, held->index);
	gst_object_unref(held->pool);
	delete held;
}

GstFlowReturn poolAcquire(GstBufferPool *pool, GstBuffer **buffer,
			  GstBufferPoolAcquireParams *params)
{
	PoolImpl &p = implOf(pool);
	if (!params || !(params->flags & kAcquireIndex))
		return GST_FLOW_NOT_SUPPORTED;
	auto index = unsigned(params->start);
	std::lock_guard<std::mutex> locker(p.lock);
	if (index >= p.slots.size() || p.slots[index].outstanding || p.slots[index].heldByCopies) {
		GST_ERROR_OBJECT(pool, "the device returned buffer %u, which it does not hold",
				 index);
		return GST_FLOW_ERROR;
	}
	p.slots[index].outstanding = true;
	*buffer = p.slots[index].buffer;
	return GST_FLOW_OK;
}

/*
 * Called when the GstBuffer's last reference goes. A memory with other references is
 * still in a copy's hands: the buffer gives those up and the V4L2 buffer is queued again
 * when the copies have let go of all of them.
 */
void poolRelease(GstBufferPool *pool, GstBuffer *buffer)
{
	PoolImpl &p = implOf(pool);
	unsigned index =
		GPOINTER_TO_UINT(gst_mini_object_get_qdata(GST_MINI_OBJECT(buffer), indexQuark())) -
		1;
	unsigned shared = 0;
	for (guint i = 0; i < gst_buffer_n_memory(buffer); i++)
		shared += GST_MINI_OBJECT_REFCOUNT_VALUE(gst_buffer_peek_memory(buffer, i)) > 1;
	{
		std::lock_guard<std::mutex> locker(p.lock);
		p.slots[index].outstanding = false;
		if (shared) {
			p.slots[index].heldByCopies = gst_buffer_n_memory(buffer);
			for (guint i = 0; i < gst_buffer_n_memory(buffer); i++)
				gst_mini_object_weak_ref(
					GST_MINI_OBJECT(gst_buffer_peek_memory(buffer, i)),
					copyReleased,
					new HeldByCopy{ GST_BUFFER_POOL(gst_object_ref(pool)),
							index });
		}
	}
	if (shared) {
		GST_DEBUG_OBJECT(pool, "buffer %u released while a copy holds its memory", index);
		gst_buffer_remove_all_memory(buffer);
		return;
	}
	giveBack(pool, index);
}

} /* namespace */

static void gst_dmabridge_capture_pool_class_init(GstDmabridgeCapturePoolClass *klass)
{
	GstBufferPoolClass *pool = GST_BUFFER_POOL_CLASS(klass);
	pool->acquire_buffer = poolAcquire;
	pool->release_buffer = poolRelease;
	/* Outstanding buffers and copies hold references: none is out when this runs. */
	G_OBJECT_CLASS(klass)->finalize =
		dmabridge::gst::finalizeImpl<GstDmabridgeCapturePool, PoolImpl,
					     &gst_dmabridge_capture_pool_parent_class>;
}

static void gst_dmabridge_capture_pool_init(GstDmabridgeCapturePool *pool)
{
	pool->impl_ = new PoolImpl();
}

namespace dmabridge::gst {

GstBufferPool *newCapturePool(std::shared_ptr<CaptureQueue> queue, CaptureBuffers buffers,
			      GstCaps *caps)
{
	auto *pool = static_cast<GstDmabridgeCapturePool *>(
		g_object_new(gst_dmabridge_capture_pool_get_type(), nullptr));
	gst_object_ref_sink(pool);
	PoolImpl &p = *pool->impl_;
	p.queue = std::move(queue);
	p.buffers = std::move(buffers);
	auto count = guint(p.buffers.buffers.size());
	for (unsigned i = 0; i < count; i++)
		p.slots.push_back({ makeBuffer(p, i), false, 0 });
	GstStructure *config = gst_buffer_pool_get_config(GST_BUFFER_POOL(pool));
	gst_buffer_pool_config_set_params(
		config, caps, guint(dmabridge::gst::frameBytes(p.buffers.layout)), count, count);
	gst_buffer_pool_config_add_option(config, GST_BUFFER_POOL_OPTION_VIDEO_META);
	gst_buffer_pool_set_config(GST_BUFFER_POOL(pool), config);
	return GST_BUFFER_POOL(pool);
}

Status queueAll(GstBufferPool *pool)
{
	PoolImpl &p = implOf(pool);
	for (unsigned i = 0; i < p.slots.size(); i++)
		if (Status status = queueIndex(p, i); !status)
			return status;
	return {};
}

GstFlowReturn acquireCaptured(GstBufferPool *pool, unsigned index, GstBuffer **buffer)
{
	GstBufferPoolAcquireParams params = {};
	params.start = index;
	params.flags = kAcquireIndex;
	return gst_buffer_pool_acquire_buffer(pool, buffer, &params);
}

void requeue(GstBufferPool *pool, unsigned index)
{
	giveBack(pool, index);
}

void retire(GstBufferPool *pool)
{
	PoolImpl &p = implOf(pool);
	std::lock_guard<std::mutex> locker(p.lock);
	p.retired = true;
}

const CaptureBuffers &buffersOf(GstBufferPool *pool)
{
	return implOf(pool).buffers;
}

} /* namespace dmabridge::gst */
