/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The devices behind upstream GStreamer elements, which import dma-bufs without
 * describing themselves in the allocation query: kmssink's display downstream, and
 * upstream a V4L2 element that captures into the buffers of a pool it is offered
 * (v4l2src io-mode=dmabuf-import, a V4L2 decoder's or converter's capture queue). Found
 * by walking through elements that pass buffers on (capsfilter, queue, tee...), and
 * probed as dmabridge's own elements probe theirs.
 */
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <gst/gl/gl.h>
#include <gst/gst.h>

#include <dmabridge/constraints.h>
#include <dmabridge/error.h>

namespace dmabridge::gst {

/*
 * The constraints of the known importers downstream of pad (a source pad), each probed
 * from the element's device properties (kmssink: driver-name). dmabridge's own
 * elements are not walked into: they answer the allocation query themselves.
 */
std::vector<DeviceConstraints> upstreamImportersDownstream(GstPad *pad);

/*
 * Whether a GStreamer GL element (glupload...) is downstream of pad. They import
 * dma-bufs without saying what their GPU can use, and from GStreamer 1.24 answer a
 * DMA_DRM allocation query with no GL pool or sync meta to recognise them by.
 */
bool gstGlDownstream(GstPad *pad);

/*
 * The GPU of the first GStreamer GL element downstream of pad, described as dmabridge
 * describes its own (EglDevice::probe(): formats, and the memory its driver was probed
 * to use), when the element's GL context runs on GBM over a DRM node: EGL is opened on
 * that node to probe it. An error says why not: no GL context yet, or a display (X11,
 * Wayland, surfaceless, an EGL device) the source can't open the same way. context, when
 * given, gets that element's GL context (a reference) when one was found.
 */
Result<DeviceConstraints> gstGlGpu(GstPad *pad, GstGLContext **context = nullptr);

/*
 * The device that will import into a pool offered upstream of pad (a sink pad): the
 * capture queue at the device property of the first V4L2 element upstream (v4l2src,
 * v4l2*dec, v4l2convert); else fallback (a V4L2 node or name: an element's
 * producer-device property) when set; none when neither is known. It imports: it is
 * described as exporting nothing, so a plan never asks it to allocate.
 */
std::optional<DeviceConstraints> importerUpstream(GstPad *pad, const std::string &fallback);

/*
 * Whether QoS events sent upstream from pad (a sink pad) would reach no element that acts
 * on them: only elements that pass events on (queue, capsfilter, tee...) up to a source
 * that drops QoS (GstBaseSrc's own event handler, or one of dmabridge's sources: a live
 * camera can't produce less). source gets that source's name. A sink that sends them
 * anyway builds and passes an event a frame for nothing.
 */
bool qosHeardByNoOne(GstPad *pad, std::string &source);

/* The producer-device property of the elements that offer pools upstream. */
GParamSpec *producerDeviceSpec();

} /* namespace dmabridge::gst */
