/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "prime_probe.h"

#include <cerrno>

#include <xf86drm.h>

#include <dmabridge/heap.h>

#include "../internal/log.h"
#include "../internal/page.h"

namespace dmabridge::internal {

Derived<std::string> foreignImportRefusal(int drmFd, const std::string &node)
{
	Result<HeapInfo> heap = findHeap(false);
	if (!heap)
		return {};
	Result<DmaHeap> opened = DmaHeap::open(*heap);
	Result<DmaBuf> page = opened ? opened->allocate(pageSize(), "dmabridge-prime-probe")
				     : Result<DmaBuf>(opened.error());
	if (!page) {
		log(LogCategory::DeviceDrm, LogLevel::Debug, [&] {
			return node +
			       ": no buffer to try a PRIME import with: " + page.error().describe();
		});
		return {};
	}
	uint32_t handle = 0;
	if (drmPrimeFDToHandle(drmFd, page->fd().get(), &handle) == 0) {
		drmCloseBufferHandle(drmFd, handle);
		return {};
	}
	int err = errno;
	if (err == ENOMEM || err == EINTR || err == EAGAIN)
		return {};
	return { node, "probed: " + Error::fromErrno(err, "a PRIME import of a page from the " +
								  heap->name + " heap failed")
					    .describe() };
}

} /* namespace dmabridge::internal */
