/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Running a pipeline to EOS and collecting what dmabridge elements reported. */
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <gst/gst.h>

namespace dmabridge::tools {

/* One element's dmabridge-stats, read as numbers and text. */
struct Stats
{
	std::map<std::string, uint64_t> numbers;
	std::map<std::string, std::string> texts; /* the other string fields ("pool") */
	std::string explanation;
	bool present = false;

	uint64_t operator[](const std::string &field) const
	{
		auto found = numbers.find(field);
		return found == numbers.end() ? UINT64_MAX : found->second;
	}
};

struct PipelineRun
{
	bool finished = false;              /* reached EOS */
	std::string error;                  /* the first ERROR message, with its debug text */
	std::vector<std::string> errors;    /* every ERROR message, in the order posted */
	std::map<std::string, Stats> stats; /* by element name: the stats posted on EOS */
};

/*
 * Parses description, plays it to EOS (or error, or timeout), then sets it to NULL.
 * onPlaying, if given, runs once the pipeline was set to PLAYING (to feed an appsrc);
 * beforePlaying before that (to put probes on pads before the first buffer); onEos at
 * EOS, while the sinks still hold their last frame (to see what a display shows).
 */
PipelineRun runPipeline(const std::string &description, int timeoutSeconds = 120,
			const std::function<void(GstElement *)> &onPlaying = {},
			const std::function<void(GstElement *)> &beforePlaying = {},
			const std::function<void(GstElement *)> &onEos = {});

/*
 * Calls probe, on the streaming thread, with each buffer or query (of type) that reaches
 * the sink pad of the element named element; the probe lives as long as that pad.
 */
using PadProbe = std::function<void(GstPad *pad, GstPadProbeInfo *info)>;
void probeSinkPad(GstElement *pipeline, const char *element, GstPadProbeType type, PadProbe probe);

/*
 * A count of the buffers that reach the sink pad of the element named element, kept up
 * to date while the pipeline runs; it lives as long as that pad.
 */
const std::atomic<uint64_t> &countBuffers(GstElement *pipeline, const char *element);

/* Pushes buffer (taken) into the appsrc named element, stamped index/30 s. */
void pushToAppsrc(GstElement *pipeline, const char *element, unsigned index, GstBuffer *buffer);

/*
 * Feeds the appsrc named element: frame(i) makes frame i (a new buffer; null stops), which
 * is stamped i/30 s and pushed; after count frames, or the first null, end-of-stream.
 */
void feedAppsrc(GstElement *pipeline, const char *element, unsigned count,
		const std::function<GstBuffer *(unsigned)> &frame);

/*
 * Sets pipeline to state from another thread and waits up to seconds for the call to come
 * back: false where it did not (the thread is left waiting, holding a reference), so that
 * a state change that never ends fails a test rather than hanging it.
 */
bool setStateWithin(GstElement *pipeline, GstState state, int seconds);

/*
 * Takes what waits on bus into run: errors, EOS and the dmabridge-stats the elements
 * posted (the first of each element's is kept).
 */
void takeWaiting(GstBus *bus, PipelineRun &run);

/*
 * For live sources that never send EOS (libcamerasrc): plays description for seconds, or
 * until the element named counted has had frames buffers when frames isn't 0, then sets
 * it to NULL and keeps the stats the elements post on their way there.
 */
PipelineRun runFor(const std::string &description, int seconds, uint64_t frames = 0,
		   const char *counted = "sink");

} /* namespace dmabridge::tools */
