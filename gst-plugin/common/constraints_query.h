/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device constraints travel upstream inside the ALLOCATION query, as the parameters of an
 * allocation meta the plugin registers (GStreamer 1.22 has no DMA_DRM caps to carry
 * them). Queries cross queue and tee, so a source learns what every consumer accepts;
 * each element adds its own device to what it forwards.
 */
#pragma once

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

/* One device as a structure and back (also what dmabridge-stats shows). */
GstStructure *toStructure(const DeviceConstraints &device);
DeviceConstraints fromStructure(const GstStructure *structure);

} /* namespace dmabridge::gst */
