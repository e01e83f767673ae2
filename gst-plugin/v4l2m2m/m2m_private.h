/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the m2m element's files share: its state, and the functions each file gives. */
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gst/video/video.h>

#include <dmabridge/plan.h>
#include <dmabridge/unique_fd.h>
#include <dmabridge/v4l2_m2m.h>

#include "../common/caps_dialect.h"
#include "../common/constraints_query.h"
#include "../common/io_mode.h"
#include "../common/stats.h"
#include "m2m_element.h"

namespace dmabridge::gst::m2m {

using gst::IoMode;

/*
 * How many of upstream's raw frames the output queue keeps at most until the device has
 * read them: what the allocation query announces as its minimum, so that upstream always
 * has buffers of its own while this element waits for the device.
 */
inline constexpr unsigned kHeldInputs = 2;

/* What a V4L2 timestamp stands for: the input buffer's times. */
struct Times
{
	GstClockTime pts = GST_CLOCK_TIME_NONE;
	GstClockTime duration = GST_CLOCK_TIME_NONE;
};

struct Element
{
	/* Properties. */
	std::string devicePath;
	std::string deviceName;
	IoMode outputIoMode = IoMode::Auto;
	IoMode captureIoMode = IoMode::Auto;

	M2mRole role = M2mRole::Converter;
	std::shared_ptr<V4l2M2m> m2m;
	UniqueFd wake; /* an eventfd: written to cut a wait short (flush, stop) */
	ElementStats stats;
	/* By consumers of the output: they read the capture queue, not upstream's buffers. */
	Announcements announced;
	Planner planner;

	/* Input. */
	VideoCaps in;
	bool haveInput = false;
	uint32_t codedFormat =
		0; /* the compressed format of a decoder's input or encoder's output */
	gint fpsN = 0, fpsD = 1;
	GstSegment segment;
	std::atomic<bool> flushing = false;
	bool sourceChangePending = false;
	std::vector<GstEvent *> pending;     /* sticky events held until our caps are out */
	GstBufferPool *exportPool = nullptr; /* the output queue's own buffers, for upstream */

	/* Output. */
	VideoCaps out;
	bool capsSent = false;
	V4l2Rect visible;                               /* of a decoded frame (compose) */
	Layout captureLayout;                           /* as the device writes it */
	bool cropMeta = false;                          /* downstream takes GstVideoCropMeta */
	std::vector<std::vector<GstMemory *>> memories; /* per capture index */
	unsigned memoriesGeneration = 0;
	uint64_t nextTimestamp = 0;
	std::map<uint64_t, Times> times;
	uint64_t framesSinceSegment = 0;
	/* Read by the statistics on any thread, hence atomic. */
	std::atomic<uint64_t> sourceChanges = 0;
	/* The compressed stream copied in, and the sync ioctls of those copies. */
	std::atomic<uint64_t> codedCopies = 0, codedBytesCopied = 0;
	SyncCounter codedSyncCalls = 0;
	std::string copyReason; /* why input frames are staged, as last logged */
	std::string outputExplanation, inputExplanation;
};

Element &impl(gpointer element);
M2mRole roleOf(gpointer element);

/* m2m_negotiate.cpp: caps of both pads, configuring the queues for them. */
/*
 * What pad (either) takes: its template's caps until the device is open, then what the
 * queue behind it does (the output queue behind the sink pad, the capture queue behind
 * the source pad), coded or raw.
 */
GstCaps *padCaps(GstDmabridgeV4l2M2m *self, GstPad *pad, GstCaps *filter);
gboolean setInputCaps(GstDmabridgeV4l2M2m *self, GstCaps *caps);
/* A decoder's capture queue for the stream's (new) format: caps, plan, buffers. */
GstFlowReturn configureDecodedOutput(GstDmabridgeV4l2M2m *self);
/* Upstream's allocation query: the output queue's constraints and a pool for them. */
gboolean proposeAllocation(GstDmabridgeV4l2M2m *self, GstQuery *query);
void pushPendingEvents(GstDmabridgeV4l2M2m *self);

/* m2m_stream.cpp: buffers through the device. */
GstFlowReturn chain(GstDmabridgeV4l2M2m *self, GstBuffer *buffer);
/* Drains the device at EOS; the frames still in it go out first. */
GstFlowReturn drain(GstDmabridgeV4l2M2m *self);
void flushStart(GstDmabridgeV4l2M2m *self);
void flushStop(GstDmabridgeV4l2M2m *self);
void releaseMemories(Element &e);

/* m2m_output_pool.cpp: upstream fills the output queue's own buffers. */
GstBufferPool *newExportPool(const std::shared_ptr<V4l2M2m> &m2m, GstCaps *caps,
			     ElementStats *stats);

} /* namespace dmabridge::gst::m2m */
