/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

namespace dmabridge::internal {

void countSyncCall();
void countCpuMapping();
void countAllocation();
/* +1 when an EGL image is made, -1 when it is destroyed. */
void countEglImage(int change);
/* +1 when a Vulkan memory object (an imported dma-buf) is made, -1 when it is freed. */
void countVulkanMemory(int change);

} /* namespace dmabridge::internal */
