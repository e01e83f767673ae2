/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What pipeline tests check of every run into the display: pixels and copy counters. */
#pragma once

#include <cstdint>
#include <string>

#include "../../tools/common/pipeline_run.h"

namespace dmabridge::test {

/* Correctness, not real time: the emulated board is slow, so the sink must not drop. */
inline constexpr const char *kSink =
	"dmabridgekmssink name=sink driver-name=vkms readback=true sync=false";

/* The display showed the last frame exactly, and it was a picture, not a blank. */
void expectDisplayed(const tools::PipelineRun &run, uint64_t frames);

/* The element copied nothing and its CPU never touched a frame. */
void expectZeroCopy(const tools::Stats &stats, const std::string &who);

} /* namespace dmabridge::test */
