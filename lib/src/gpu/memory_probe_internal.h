/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

namespace dmabridge::internal {

/* The probe process's main (dmabridge-gpu-probe): see memory_probe_child.cpp. */
int memoryProbeMain(int argc, char **argv);

} /* namespace dmabridge::internal */
