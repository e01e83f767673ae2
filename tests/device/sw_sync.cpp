/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sw_sync.h"

#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>

#include <linux/types.h>

namespace dmabridge::test {

namespace {

/* drivers/dma-buf/sw_sync.c: not in the UAPI headers, a debugging interface. */
struct sw_sync_create_fence_data
{
	__u32 value;
	char name[32];
	__s32 fence;
};
#define SW_SYNC_IOC_MAGIC 'W'
#define SW_SYNC_IOC_CREATE_FENCE _IOWR(SW_SYNC_IOC_MAGIC, 0, struct sw_sync_create_fence_data)
#define SW_SYNC_IOC_INC _IOW(SW_SYNC_IOC_MAGIC, 1, __u32)

} /* namespace */

Result<SwSyncTimeline> SwSyncTimeline::open()
{
	const char *path = "/sys/kernel/debug/sync/sw_sync";
	UniqueFd fd(::open(path, O_RDWR | O_CLOEXEC));
	if (!fd)
		return Error::fromErrno(errno, std::string("opening ") + path +
						       " (CONFIG_SW_SYNC and debugfs)");
	SwSyncTimeline timeline;
	timeline.fd_ = std::move(fd);
	return timeline;
}

Result<UniqueFd> SwSyncTimeline::fence(uint32_t value) const
{
	sw_sync_create_fence_data data = {};
	data.value = value;
	std::strncpy(data.name, "dmabridge-test", sizeof(data.name) - 1);
	if (::ioctl(fd_.get(), SW_SYNC_IOC_CREATE_FENCE, &data) < 0)
		return Error::fromErrno(errno, "SW_SYNC_IOC_CREATE_FENCE");
	return UniqueFd(data.fence);
}

Status SwSyncTimeline::advance(uint32_t steps)
{
	__u32 by = steps;
	if (::ioctl(fd_.get(), SW_SYNC_IOC_INC, &by) < 0)
		return Error::fromErrno(errno, "SW_SYNC_IOC_INC");
	value_ += steps;
	return {};
}

bool fenceSignalled(int fence)
{
	struct pollfd pfd = { fence, POLLIN, 0 };
	return ::poll(&pfd, 1, 0) == 1;
}

} /* namespace dmabridge::test */
