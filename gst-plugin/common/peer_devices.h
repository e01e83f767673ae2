/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The devices behind upstream GStreamer elements downstream, which import dma-bufs
 * without describing themselves in the allocation query: kmssink's display. Found by
 * walking downstream through elements that pass buffers on (capsfilter, queue, tee...),
 * and probed as dmabridge's own elements probe theirs.
 */
#pragma once

#include <vector>

#include <gst/gst.h>

#include <dmabridge/constraints.h>

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

} /* namespace dmabridge::gst */
