/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* dmabridge-gpu-probe: what a GPU driver can use, tried in a process of its own. */
#include "memory_probe_internal.h"

int main(int argc, char **argv)
{
	return dmabridge::internal::memoryProbeMain(argc, argv);
}
