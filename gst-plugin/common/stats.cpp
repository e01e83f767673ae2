/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "stats.h"

namespace dmabridge::gst {

void ElementStats::setExplanation(std::string text)
{
	std::lock_guard<std::mutex> locker(lock_);
	explanation_ = std::move(text);
}

std::string ElementStats::explanation() const
{
	std::lock_guard<std::mutex> locker(lock_);
	return explanation_;
}

void ElementStats::setPoolExplanation(std::string text)
{
	std::lock_guard<std::mutex> locker(lock_);
	pool_ = std::move(text);
}

void ElementStats::reset()
{
	frames = copies = bytesCopied = imports = allocations = dropped = cpuAccesses = 0;
	syncCalls = 0;
	setExplanation({});
	setPoolExplanation({});
}

void ElementStats::post(GstElement *element, GstStructure *extra) const
{
	GstStructure *s = gst_structure_new(
		"dmabridge-stats", "frames", G_TYPE_UINT64, guint64(frames), "copies",
		G_TYPE_UINT64, guint64(copies), "bytes-copied", G_TYPE_UINT64, guint64(bytesCopied),
		"imports", G_TYPE_UINT64, guint64(imports), "allocations", G_TYPE_UINT64,
		guint64(allocations), "dropped", G_TYPE_UINT64, guint64(dropped), "sync-calls",
		G_TYPE_UINT64, guint64(syncCalls), "cpu-accesses", G_TYPE_UINT64,
		guint64(cpuAccesses), "explanation", G_TYPE_STRING, explanation().c_str(), nullptr);
	{
		std::lock_guard<std::mutex> locker(lock_);
		if (!pool_.empty())
			gst_structure_set(s, "pool", G_TYPE_STRING, pool_.c_str(), nullptr);
	}
	if (extra) {
		gst_structure_foreach(
			extra,
			[](GQuark field, const GValue *value, gpointer target) -> gboolean {
				gst_structure_id_set_value(static_cast<GstStructure *>(target),
							   field, value);
				return TRUE;
			},
			s);
		gst_structure_free(extra);
	}
	gst_element_post_message(element, gst_message_new_element(GST_OBJECT(element), s));
}

void postStatsIfLastBuffer(GstBaseSrc *source, const ElementStats &stats)
{
	if (source->num_buffers_left == 0)
		stats.post(GST_ELEMENT(source));
}

gboolean sendEventPostingStats(GstElementClass *parentClass, GstElement *element, GstEvent *event,
			       const ElementStats &stats)
{
	if (GST_EVENT_TYPE(event) == GST_EVENT_EOS)
		stats.post(element);
	return parentClass->send_event(element, event);
}

} /* namespace dmabridge::gst */
