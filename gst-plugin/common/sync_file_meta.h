/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Explicit sync between elements: a sync_file that signals when a buffer's pixels are
 * written, carried on the buffer. The GPU elements attach the one their rendering ends
 * with; the display hands it to KMS as the plane's IN_FENCE_FD, so no one waits for the
 * GPU on the CPU. A buffer without one is ready when it arrives.
 */
#pragma once

#include <gst/gst.h>

#include <dmabridge/unique_fd.h>

namespace dmabridge::gst {

GType syncFileMetaApiType();

/* Attaches fence (owned from now on) to buffer, replacing the one it had. */
void attachSyncFile(GstBuffer *buffer, UniqueFd fence);

/* The buffer's sync_file, still owned by the buffer; -1 when it has none. */
int syncFileOf(GstBuffer *buffer);

/*
 * Whether the buffer's writer is done: its sync_file has signalled, waited for up to
 * timeoutMs (0: not at all). True for a buffer without one, and for no buffer.
 */
bool syncFileSignalled(GstBuffer *buffer, int timeoutMs = 0);

} /* namespace dmabridge::gst */
