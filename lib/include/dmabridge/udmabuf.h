/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <dmabridge/dmabuf.h>
#include <dmabridge/error.h>
#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * dma-bufs made of ordinary memory (a sealed memfd) through /dev/udmabuf: scattered,
 * cached pages, for devices that take them when there is no dma-buf heap. The size is
 * rounded up to whole pages; the kernel limits one buffer to 64 MiB by default.
 */
Result<DmaBuf> allocateUdmabuf(size_t size, std::string_view name = "dmabridge",
			       const std::string &node = "/dev/udmabuf");

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
