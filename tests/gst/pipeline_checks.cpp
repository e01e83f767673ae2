/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pipeline_checks.h"

#include <gtest/gtest.h>
#include <mutex>

#include <gst/allocators/allocators.h>

#include <dmabridge/dmabuf.h>
#include <dmabridge/heap.h>

#include "shown.h"

namespace dmabridge::test {

void expectDisplayed(const tools::PipelineRun &run, uint64_t frames)
{
	ASSERT_TRUE(run.finished) << run.error;
	const tools::Stats &sink = run.stats.at("sink");
	ASSERT_TRUE(sink.present) << "no dmabridge-stats from the sink";
	EXPECT_EQ(sink["frames"], frames);
	expectShownRight(sink);
}

void expectZeroCopy(const tools::Stats &stats, const std::string &who)
{
	EXPECT_EQ(stats["copies"], 0u) << who << ": " << stats.explanation;
	EXPECT_EQ(stats["bytes-copied"], 0u) << who;
	EXPECT_EQ(stats["sync-calls"], 0u) << who << " touched frames with the CPU";
}

void onEachDmaBuf(GstElement *pipeline, const char *element, DmaBufProbe seen)
{
	tools::probeSinkPad(pipeline, element, GST_PAD_PROBE_TYPE_BUFFER,
			    [seen = std::move(seen)](GstPad *, GstPadProbeInfo *info) {
				    GstMemory *memory = gst_buffer_peek_memory(
					    GST_PAD_PROBE_INFO_BUFFER(info), 0);
				    seen(memory && gst_is_dmabuf_memory(memory)
						 ? DmaBuf::fromFd(SharedFd::duplicateOf(
							   gst_dmabuf_memory_get_fd(memory)))
						 : Result<DmaBuf>(Error(EINVAL, "not a dma-buf")));
			    });
}

void watchExporters(GstElement *pipeline, const char *element,
		    std::shared_ptr<std::set<std::string>> exporters)
{
	auto lock = std::make_shared<std::mutex>();
	onEachDmaBuf(pipeline, element, [lock, exporters](const Result<DmaBuf> &dmabuf) {
		std::lock_guard<std::mutex> locker(*lock);
		exporters->insert(dmabuf ? dmabuf->exporter() : "system memory");
	});
}

std::string cmaHeapName()
{
	for (const HeapInfo &heap : listHeaps())
		if (heap.kind == HeapKind::Cma)
			return heap.kernelName.empty() ? heap.name : heap.kernelName;
	return {};
}

} /* namespace dmabridge::test */
