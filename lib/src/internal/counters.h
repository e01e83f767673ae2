/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

namespace dmabridge::internal {

void countSyncCall();
void countCpuMapping();
void countAllocation();

} /* namespace dmabridge::internal */
