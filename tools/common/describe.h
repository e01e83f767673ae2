/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Devices, heaps and plans as the tools print them: readable text, or JSON whose schema
 * is documented in README.md and checked by tests/tools.
 */
#pragma once

#include <string>

#include <dmabridge/constraints.h>
#include <dmabridge/heap.h>
#include <dmabridge/plan.h>

#include "json_writer.h"

namespace dmabridge::tools {

/* Every fact with its source, one per line, each line starting with indent. */
std::string constraintsText(const DeviceConstraints &device, const std::string &indent);
void writeConstraints(JsonWriter &json, const DeviceConstraints &device);

std::string heapText(const HeapInfo &heap);
void writeHeap(JsonWriter &json, const HeapInfo &heap);

std::string planText(const Plan &plan);
void writePlan(JsonWriter &json, const Plan &plan);

/* "NV12 XRGB8888 ..." */
std::string formatNames(const std::vector<FormatModifiers> &formats);

} /* namespace dmabridge::tools */
