/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sync_file_meta.h"

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace dmabridge::gst {

namespace {

struct SyncFileMeta
{
	GstMeta meta;
	int fd;
};

gboolean metaInit(GstMeta *meta, gpointer, GstBuffer *)
{
	reinterpret_cast<SyncFileMeta *>(meta)->fd = -1;
	return TRUE;
}

void metaFree(GstMeta *meta, GstBuffer *)
{
	auto *fence = reinterpret_cast<SyncFileMeta *>(meta);
	if (fence->fd >= 0)
		::close(fence->fd);
	fence->fd = -1;
}

/* A copy of the buffer waits for the same writes: it gets a duplicate of the fence. */
gboolean metaTransform(GstBuffer *destination, GstMeta *meta, GstBuffer *, GQuark type, gpointer)
{
	if (!GST_META_TRANSFORM_IS_COPY(type))
		return FALSE;
	int fd = reinterpret_cast<SyncFileMeta *>(meta)->fd;
	int copy = fd >= 0 ? ::fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1;
	attachSyncFile(destination, UniqueFd(copy));
	return TRUE;
}

/*
 * Registered once per process by name: the tests compile this file too, and whichever
 * copy registers first serves both.
 */
const GstMetaInfo *metaInfo()
{
	static const GstMetaInfo *info = [] {
		if (const GstMetaInfo *known = gst_meta_get_info("DmabridgeSyncFileMeta"))
			return known;
		return gst_meta_register(syncFileMetaApiType(), "DmabridgeSyncFileMeta",
					 sizeof(SyncFileMeta), metaInit, metaFree, metaTransform);
	}();
	return info;
}

} /* namespace */

GType syncFileMetaApiType()
{
	static GType type = [] {
		if (GType known = g_type_from_name("DmabridgeSyncFileMetaAPI"))
			return known;
		static const gchar *tags[] = { nullptr };
		return gst_meta_api_type_register("DmabridgeSyncFileMetaAPI", tags);
	}();
	return type;
}

void attachSyncFile(GstBuffer *buffer, UniqueFd fence)
{
	auto *meta = reinterpret_cast<SyncFileMeta *>(
		gst_buffer_get_meta(buffer, syncFileMetaApiType()));
	if (!meta)
		meta = reinterpret_cast<SyncFileMeta *>(
			gst_buffer_add_meta(buffer, metaInfo(), nullptr));
	if (!meta)
		return;
	if (meta->fd >= 0)
		::close(meta->fd);
	meta->fd = fence.release();
}

int syncFileOf(GstBuffer *buffer)
{
	auto *meta = reinterpret_cast<SyncFileMeta *>(
		gst_buffer_get_meta(buffer, syncFileMetaApiType()));
	return meta ? meta->fd : -1;
}

bool syncFileSignalled(GstBuffer *buffer, int timeoutMs)
{
	int fence = buffer ? syncFileOf(buffer) : -1;
	if (fence < 0)
		return true;
	struct pollfd pfd = { fence, POLLIN, 0 };
	int ready;
	while ((ready = ::poll(&pfd, 1, timeoutMs)) < 0 && errno == EINTR)
		;
	return ready == 1;
}

} /* namespace dmabridge::gst */
