/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridgetestsrc: test patterns drawn by the CPU straight into dma-bufs planned for the
 * devices downstream (their constraints come in the allocation query). Every write is
 * bracketed by the sync ioctl; nothing is copied afterwards.
 */
#include "test_src.h"

#include <drm_fourcc.h>
#include <gst/video/video.h>

#include <dmabridge/heap.h>
#include <dmabridge/plan.h>

#include "../common/caps.h"
#include "../common/constraints_query.h"
#include "../common/dmabuf_memory.h"
#include "../common/object_impl.h"
#include "../common/planned_pool.h"
#include "../common/stats.h"
#include "pattern.h"

GST_DEBUG_CATEGORY_STATIC(test_src_debug);
#define GST_CAT_DEFAULT test_src_debug

using namespace dmabridge;

namespace {

struct TestSrcImpl
{
	gst::VideoCaps video;
	gst::ElementStats stats;
	uint64_t frame = 0;
	gst::Announcements announced; /* by consumers, through elements that drop the meta */
};

TestSrcImpl *impl(gpointer src)
{
	return static_cast<TestSrcImpl *>(reinterpret_cast<GstDmabridgeTestSrc *>(src)->impl_);
}

/* The CPU as a producer: it writes any memory it can map. */
DeviceConstraints cpuProducer()
{
	DeviceConstraints cpu;
	cpu.name = "dmabridgetestsrc";
	cpu.role = "CPU pattern writer";
	for (const FormatInfo &format : formats())
		if (gst::canDrawPattern(format.drm))
			cpu.formats.push_back({ format.drm, {} });
	cpu.contiguous = { false, "the CPU maps any pages" };
	return cpu;
}

GstCaps *patternCaps()
{
	return gst::capsFor(cpuProducer().formats);
}

} /* namespace */

G_DEFINE_TYPE(GstDmabridgeTestSrc, gst_dmabridge_test_src, GST_TYPE_PUSH_SRC)

static gboolean test_src_start(GstBaseSrc *base)
{
	TestSrcImpl &s = *impl(base);
	s.stats.reset();
	s.frame = 0;
	return TRUE;
}

static gboolean test_src_stop(GstBaseSrc *base)
{
	impl(base)->stats.post(GST_ELEMENT(base));
	return TRUE;
}

static GstCaps *test_src_fixate(GstBaseSrc *base, GstCaps *caps)
{
	caps = gst_caps_make_writable(caps);
	GstStructure *s = gst_caps_get_structure(caps, 0);
	gst_structure_fixate_field_nearest_int(s, "width", 640);
	gst_structure_fixate_field_nearest_int(s, "height", 480);
	gst_structure_fixate_field_nearest_fraction(s, "framerate", 30, 1);
	return GST_BASE_SRC_CLASS(gst_dmabridge_test_src_parent_class)->fixate(base, caps);
}

static gboolean test_src_set_caps(GstBaseSrc *base, GstCaps *caps)
{
	return gst::takeVideoCaps(GST_ELEMENT(base), caps, impl(base)->video);
}

static gboolean test_src_event(GstBaseSrc *base, GstEvent *event)
{
	if (impl(base)->announced.take(event))
		return TRUE;
	return GST_BASE_SRC_CLASS(gst_dmabridge_test_src_parent_class)->event(base, event);
}

static gboolean test_src_decide_allocation(GstBaseSrc *base, GstQuery *query)
{
	TestSrcImpl &s = *impl(base);
	std::vector<DeviceConstraints> consumers = gst::consumersOf(query, s.announced);
	Result<Plan> plan = Planner().plan(gst::planRequest(cpuProducer(), consumers, s.video, 4));
	if (!plan) {
		GST_ELEMENT_ERROR(base, RESOURCE, SETTINGS, ("%s", plan.error().describe().c_str()),
				  (nullptr));
		return FALSE;
	}
	std::string explanation = plan->explain();
	if (consumers.empty())
		explanation =
			"No consumer described itself in the allocation query. " + explanation;
	s.stats.setExplanation(explanation);
	GST_INFO_OBJECT(base, "plan: %s", explanation.c_str());

	GstCaps *caps = nullptr;
	gst_query_parse_allocation(query, &caps, nullptr);
	GstBufferPool *pool =
		gst::newPlannedPool(*plan, &s.stats, caps, plan->bufferCount, plan->bufferCount);
	while (gst_query_get_n_allocation_pools(query) > 0)
		gst_query_remove_nth_allocation_pool(query, 0);
	gst_query_add_allocation_pool(query, pool, guint(plan->bufferSize), plan->bufferCount,
				      plan->bufferCount);
	gst_object_unref(pool);
	return TRUE;
}

static GstFlowReturn test_src_fill(GstPushSrc *push, GstBuffer *buffer)
{
	TestSrcImpl &s = *impl(push);
	std::vector<DmaBuf> dmabufs = gst::dmaBufsOf(buffer);
	Result<Layout> layout = gst::layoutOf(buffer, s.video);
	if (dmabufs.size() != 1 || !layout) {
		GST_ELEMENT_ERROR(push, STREAM, FAILED, ("the pool gave no single dma-buf frame"),
				  (nullptr));
		return GST_FLOW_ERROR;
	}
	s.stats.cpuAccesses++;
	{
		CpuAccess access(dmabufs[0], CpuAccessMode::Write, &s.stats.syncCalls);
		if (!access.isValid()) {
			GST_ELEMENT_ERROR(push, RESOURCE, WRITE,
					  ("%s", access.error().describe().c_str()), (nullptr));
			return GST_FLOW_ERROR;
		}
		gst::drawPattern(access.write(), *layout, s.frame);
	}
	GST_BUFFER_PTS(buffer) =
		gst_util_uint64_scale(s.frame, GST_SECOND * GST_VIDEO_INFO_FPS_D(&s.video.info),
				      std::max(GST_VIDEO_INFO_FPS_N(&s.video.info), 1));
	GST_BUFFER_DURATION(buffer) =
		gst_util_uint64_scale(GST_SECOND, GST_VIDEO_INFO_FPS_D(&s.video.info),
				      std::max(GST_VIDEO_INFO_FPS_N(&s.video.info), 1));
	s.frame++;
	s.stats.frames++;
	/* After the access scope: its END sync is counted. */
	gst::postStatsIfLastBuffer(GST_BASE_SRC(push), s.stats);
	return GST_FLOW_OK;
}

static gboolean test_src_send_event(GstElement *element, GstEvent *event)
{
	return gst::sendEventPostingStats(GST_ELEMENT_CLASS(gst_dmabridge_test_src_parent_class),
					  element, event, impl(element)->stats);
}

static void gst_dmabridge_test_src_class_init(GstDmabridgeTestSrcClass *klass)
{
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	GstBaseSrcClass *base = GST_BASE_SRC_CLASS(klass);
	G_OBJECT_CLASS(klass)->finalize = gst::finalizeImpl<GstDmabridgeTestSrc, TestSrcImpl,
							    &gst_dmabridge_test_src_parent_class>;
	gst_element_class_set_static_metadata(
		element, "dmabridge test source", "Source/Video",
		"Colour bars and a moving box drawn by the CPU into dma-bufs planned for the "
		"devices downstream, every write inside the sync ioctl",
		"dmabridge");
	gst_element_class_add_pad_template(
		element, gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, patternCaps()));
	base->start = test_src_start;
	base->stop = test_src_stop;
	base->fixate = test_src_fixate;
	base->set_caps = test_src_set_caps;
	base->decide_allocation = test_src_decide_allocation;
	base->event = test_src_event;
	GST_PUSH_SRC_CLASS(klass)->fill = test_src_fill;
	element->send_event = test_src_send_event;
	GST_DEBUG_CATEGORY_INIT(test_src_debug, "dmabridgetestsrc", 0, "dmabridge test source");
}

static void gst_dmabridge_test_src_init(GstDmabridgeTestSrc *src)
{
	src->impl_ = new TestSrcImpl();
	gst_base_src_set_format(GST_BASE_SRC(src), GST_FORMAT_TIME);
}
