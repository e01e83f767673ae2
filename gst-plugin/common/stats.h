/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What an element did, posted as the element message "dmabridge-stats". */
#pragma once

#include <atomic>
#include <mutex>
#include <string>

#include <gst/base/gstbasesrc.h>
#include <gst/gst.h>

#include <dmabridge/dmabuf.h>

namespace dmabridge::gst {

/* Counted on the streaming threads, read on any: every counter is atomic. */
class ElementStats
{
public:
	std::atomic<uint64_t> frames = 0;
	std::atomic<uint64_t> copies = 0;
	std::atomic<uint64_t> bytesCopied = 0;
	std::atomic<uint64_t> imports = 0;
	std::atomic<uint64_t> allocations = 0;
	std::atomic<uint64_t> dropped = 0; /* frames not used: the producer marked them corrupted */
	/* Times the CPU touched a frame's pixels, dma-buf or system memory (FrameAccess). */
	std::atomic<uint64_t> cpuAccesses = 0;
	SyncCounter syncCalls = 0; /* counted by CpuAccess scopes on the streaming thread */

	void setExplanation(std::string text);
	std::string explanation() const;
	/* The plan of the pool offered upstream, when one was: posted as "pool". */
	void setPoolExplanation(std::string text);
	void reset();

	/*
	 * Posts "dmabridge-stats" on the bus: frames, copies, bytes-copied, imports,
	 * allocations, dropped, sync-calls, cpu-accesses, explanation, pool (when a pool
	 * was offered), and any extra fields given.
	 */
	void post(GstElement *element, GstStructure *extra = nullptr) const;

private:
	mutable std::mutex lock_;
	std::string explanation_;
	std::string pool_;
};

/*
 * An element reports on EOS as well as on its way to NULL, before its EOS goes
 * downstream, without a pad probe: GStreamer runs a pad's probes for every buffer and
 * event that passes it, which cost the camera path about 900 instructions a frame.
 *
 * A source posts after the buffer it made is the last that num-buffers allows (the base
 * class counts them down before calling create), and when it is sent EOS (the
 * application's, through the bin): postStatsIfLastBuffer() from create() or fill(), and
 * sendEventPostingStats() as its GstElement send_event. A transform posts from its
 * sink_event, where EOS arrives after every buffer.
 */
void postStatsIfLastBuffer(GstBaseSrc *source, const ElementStats &stats);
gboolean sendEventPostingStats(GstElementClass *parentClass, GstElement *element, GstEvent *event,
			       const ElementStats &stats);

} /* namespace dmabridge::gst */
