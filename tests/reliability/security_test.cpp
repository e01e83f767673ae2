/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Security on the virtual board: read mappings are never writable and read-only fds are
 * never written; a device node the user may not open gives an error naming the node and
 * the access needed. (That allocators clear memory is the kernel's doing: a fact checked
 * in kernel_facts_test.cpp, not a case of dmabridge's.)
 */
#include <algorithm>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <grp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm.h>
#include <drm_fourcc.h>
#include <xf86drm.h>

#include <dmabridge/drm.h>
#include <dmabridge/heap.h>
#include <dmabridge/udmabuf.h>
#include <dmabridge/v4l2.h>

#include "../device/board.h"
#include "../device/capture.h"
#include "outcome.h"

using namespace dmabridge;

namespace {

/* The permissions of the mapping holding address, as /proc/self/maps shows them. */
std::string mappingPermissions(const void *address)
{
	std::ifstream maps("/proc/self/maps");
	uintptr_t at = reinterpret_cast<uintptr_t>(address), start, end;
	char dash;
	std::string permissions, rest;
	while (maps >> std::hex >> start >> dash >> end >> permissions) {
		std::getline(maps, rest);
		if (at >= start && at < end)
			return permissions;
	}
	return "unmapped";
}

TEST(ReadOnly, ReadScopesMapWithoutWrite)
{
	Result<HeapInfo> info = findHeap(false);
	DMABRIDGE_REQUIRE_DEVICE(info.ok(), info.error().message());
	Result<DmaBuf> buffer = DmaHeap::open(*info)->allocate(1 << 20, "read-only-map");
	ASSERT_TRUE(buffer.ok());
	std::string permissions;
	{
		CpuAccess read(*buffer, CpuAccessMode::Read);
		ASSERT_TRUE(read.isValid()) << read.error().describe();
		EXPECT_TRUE(read.write().empty());
		permissions = mappingPermissions(read.read().data());
		EXPECT_EQ(permissions, "r--s");
		/* Any death: under AddressSanitizer the fault ends in its report and abort(). */
		EXPECT_DEATH(const_cast<uint8_t *>(read.read().data())[0] = 1, "")
			<< "a write through a read scope must fault";
	}
	test::recordOutcome("a write through a CpuAccess Read scope",
			    "mapped " + permissions + "; the write faults");
}

TEST(ReadOnly, ReadOnlyFdIsNeverWritten)
{
	Result<DrmDevice> vgem = DrmDevice::openByDriver("vgem");
	DMABRIDGE_REQUIRE_DEVICE(vgem.ok(), "vgem");
	struct drm_mode_create_dumb create = {};
	create.width = 640;
	create.height = 480;
	create.bpp = 32;
	ASSERT_EQ(drmIoctl(vgem->fd(), DRM_IOCTL_MODE_CREATE_DUMB, &create), 0);
	int raw = -1;
	/* PRIME without DRM_RDWR: the exporter hands out a read-only fd. */
	ASSERT_EQ(drmPrimeHandleToFD(vgem->fd(), create.handle, DRM_CLOEXEC, &raw), 0);
	Result<DmaBuf> buffer = DmaBuf::fromFd(UniqueFd(raw));
	ASSERT_TRUE(buffer.ok());
	EXPECT_EQ(buffer->fdAccess(), FdAccess::ReadOnly);

	CpuAccess write(*buffer, CpuAccessMode::Write);
	ASSERT_FALSE(write.isValid());
	EXPECT_EQ(write.error().code(), EACCES);
	CpuAccess read(*buffer, CpuAccessMode::Read);
	EXPECT_TRUE(read.isValid()) << read.error().describe();

	Result<V4l2Device> camera = V4l2Device::openByName("vivid-000");
	DMABRIDGE_REQUIRE_DEVICE(camera.ok(), "vivid-000");
	Layout layout = *computeLayout(DRM_FORMAT_XRGB8888, 640, 480);
	ASSERT_TRUE(camera->setFormat(V4l2Direction::Capture, layout).ok());
	Status queued = test::queueAll(*camera, { *buffer }, layout);
	ASSERT_FALSE(queued.ok()) << "a capture queue would write into a read-only fd";
	EXPECT_EQ(queued.error().code(), EACCES);
	EXPECT_NE(queued.error().message().find("opened read-only"), std::string::npos)
		<< queued.error().message();
	(void)camera->requestBuffers(V4l2Direction::Capture, V4l2Memory::DmaBuf, 0);
	test::recordOutcome("a read-only dma-buf fd (PRIME export without DRM_RDWR) opened for "
			    "CPU writing, and queued for capture",
			    "refused: " + write.error().describe() + "; " +
				    queued.error().describe());
}

/* As an unprivileged user (nobody, no groups), in a child: each open's error text. */
std::string openAsNobody(const std::function<std::string()> &open)
{
	int pipeFds[2];
	if (::pipe(pipeFds) < 0)
		return "pipe failed";
	pid_t child = ::fork();
	if (child == 0) {
		::close(pipeFds[0]);
		if (::setgroups(0, nullptr) < 0 || ::setgid(65534) < 0 || ::setuid(65534) < 0)
			::_exit(2);
		std::string message = open();
		(void)!::write(pipeFds[1], message.data(), message.size());
		::_exit(0);
	}
	::close(pipeFds[1]);
	std::string text;
	char chunk[256];
	ssize_t got;
	while ((got = ::read(pipeFds[0], chunk, sizeof(chunk))) > 0)
		text.append(chunk, size_t(got));
	::close(pipeFds[0]);
	int status = 0;
	::waitpid(child, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? text : "the child failed";
}

template<typename T>
std::string errorText(const Result<T> &result)
{
	return result ? "opened" : result.error().describe();
}

TEST(Permissions, OpenWithoutAccessNamesTheNodeAndTheAccessNeeded)
{
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-000");
	DMABRIDGE_REQUIRE_DEVICE(camera.ok(), "vivid-000");
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	ASSERT_TRUE(vkms.ok());
	Result<HeapInfo> heap = findHeap(false);
	ASSERT_TRUE(heap.ok());
	if (::geteuid() != 0)
		GTEST_SKIP() << "needs root to drop to an unprivileged user";
	struct Case
	{
		std::string node;
		std::function<std::string()> open;
		const char *access;
	};
	std::string videoNode = camera->path(), drmNode = vkms->path();
	const Case cases[] = {
		{ videoNode, [&] { return errorText(V4l2Device::open(videoNode)); },
		  "needs read-write access" },
		{ drmNode, [&] { return errorText(DrmDevice::open(drmNode)); },
		  "needs read-write access" },
		{ heap->path, [&] { return errorText(DmaHeap::open(*heap)); },
		  "needs read access" },
	};
	std::string outcome;
	for (const Case &c : cases) {
		std::string message = openAsNobody(c.open);
		EXPECT_NE(message.find(c.node), std::string::npos) << message;
		EXPECT_NE(message.find("EACCES"), std::string::npos) << message;
		EXPECT_NE(message.find(c.access), std::string::npos) << message;
		outcome += (outcome.empty() ? "" : " | ") + message;
	}
	test::recordOutcome("open a V4L2 node, a DRM node and a dma-buf heap as user nobody",
			    outcome);
}

} /* namespace */
