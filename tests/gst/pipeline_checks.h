/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What pipeline tests check of every run into the display: pixels and copy counters. */
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include <gst/gst.h>

#include <dmabridge/dmabuf.h>

#include "../../tools/common/pipeline_run.h"

namespace dmabridge::test {

/* Correctness, not real time: the emulated board is slow, so the sink must not drop. */
inline constexpr const char *kSink =
	"dmabridgekmssink name=sink driver-name=vkms readback=true sync=false";

/* The display showed the last frame exactly, and it was a picture, not a blank. */
void expectDisplayed(const tools::PipelineRun &run, uint64_t frames);

/* The element copied nothing and its CPU never touched a frame. */
void expectZeroCopy(const tools::Stats &stats, const std::string &who);

/*
 * Called, on the streaming thread, with the first memory of each buffer that reaches
 * element's sink pad as a dma-buf (an error for other memory).
 */
using DmaBufProbe = std::function<void(const Result<DmaBuf> &)>;
void onEachDmaBuf(GstElement *pipeline, const char *element, DmaBufProbe seen);

/*
 * Who exported the dma-bufs that reach element's sink pad (DmaBuf::exporter(): a heap's
 * name, a DRM driver...), gathered into exporters while the pipeline runs; "system memory"
 * for buffers that are not dma-bufs.
 */
void watchExporters(GstElement *pipeline, const char *element,
		    std::shared_ptr<std::set<std::string>> exporters);

/* The name the kernel gives the board's CMA heap ("reserved" for cma=), or "". */
std::string cmaHeapName();

} /* namespace dmabridge::test */
