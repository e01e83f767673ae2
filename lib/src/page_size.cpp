/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <atomic>
#include <unistd.h>

#include "internal/page.h"

namespace dmabridge::internal {

namespace {
std::atomic<uint32_t> testPageSize;
} /* namespace */

uint32_t pageSize()
{
	if (uint32_t bytes = testPageSize.load(std::memory_order_relaxed))
		return bytes;
	static const uint32_t kernel = uint32_t(::sysconf(_SC_PAGESIZE));
	return kernel;
}

void setPageSizeForTest(uint32_t bytes)
{
	testPageSize.store(bytes, std::memory_order_relaxed);
}

} /* namespace dmabridge::internal */
