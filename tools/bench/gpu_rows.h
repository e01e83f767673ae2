/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The GPU rows: a camera's YUV frames made RGB by the GPU for the display, ours
 * (dmabridgeglconvert, dmabridgevkconvert) against upstream's GL elements
 * (v4l2src io-mode=dmabuf ! glupload ! glcolorconvert ! gldownload ! kmssink).
 */
#pragma once

#include <string>
#include <vector>

#include "m2m.h"

namespace dmabridge::bench {

/* Measures each GPU pipeline, or those named onlyRow (measureRows()). */
std::vector<M2mResult> runGpu(const std::string &self, std::string &raw, const std::string &rawPath,
			      const std::string &onlyRow = {});

/* A raw line ("gpu\t...") back into a result; false when it isn't one. */
bool readGpuLine(const std::string &line, M2mResult &result);

/* The GPU section of BENCHMARKS.md. */
std::string gpuTable(const std::vector<M2mResult> &results);

} /* namespace dmabridge::bench */
