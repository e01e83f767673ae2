/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device constraints travel upstream inside the ALLOCATION query, as the parameters of an
 * allocation meta the plugin registers (GStreamer 1.22 has no DMA_DRM caps to carry
 * them); each element adds its own device to what it forwards. Queries cross queue; tee
 * keeps a meta with parameters from several branches only through the aggregator
 * registered here, which GStreamer 1.26 introduced. Before that tee drops the meta, so
 * each consumer also announces its constraints upstream in an event while it answers the
 * query, and producers take them from both.
 */
#pragma once

#include <mutex>
#include <vector>

#include <gst/gst.h>

#include <dmabridge/constraints.h>

namespace dmabridge::gst {

GType constraintsApiType();

/* Adds device to the constraints the query carries. */
void addConstraints(GstQuery *query, const DeviceConstraints &device);

/* Every device the query's answerers described. */
std::vector<DeviceConstraints> constraintsFrom(GstQuery *query);

/*
 * Whether an answerer of the query is a GStreamer GL element (GstGLSyncMeta, or a
 * GstGLBufferPool): glupload imports dma-bufs as EGL images without describing its GPU,
 * and on drivers like Mesa's software one reads zeros from them.
 */
bool answeredByGstGl(GstQuery *query);

/*
 * The meta's parameters of two branches as one: every device of both, each once (by
 * name, node and role). The planner then finds what they all accept. What tee's
 * aggregation calls; a new structure.
 */
GstStructure *mergedParams(const GstStructure *a, const GstStructure *b);

/* Sends device upstream from a consumer's sink pad, while it answers the query. */
void announceConstraints(GstPad *sinkPad, const DeviceConstraints &device);

/*
 * What a producer (or an element that plans its output) received of announcements on
 * its source pad, until its next plan takes them.
 */
class Announcements
{
public:
	/* Keeps the device an announcement carries; false for other events. */
	bool take(GstEvent *event);
	/* Every device kept since the last call. */
	std::vector<DeviceConstraints> drain();
	bool empty();

private:
	std::mutex lock_;
	std::vector<DeviceConstraints> devices_;
};

/* The devices of the query and the announcements, each once. */
std::vector<DeviceConstraints> consumersOf(GstQuery *query, Announcements &announced);

/* One device as a structure and back (also what dmabridge-stats shows). */
GstStructure *toStructure(const DeviceConstraints &device);
DeviceConstraints fromStructure(const GstStructure *structure);

} /* namespace dmabridge::gst */
