/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every fd the library opens or creates is close-on-exec: with devices open, buffers
 * allocated from each heap and udmabuf, and V4L2 buffers exported, a child exec'd by the
 * process inherits none of them (it lists its own /proc/self/fd).
 */
#include <cstdio>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include <dmabridge/drm.h>
#include <dmabridge/heap.h>
#include <dmabridge/udmabuf.h>
#include <dmabridge/v4l2.h>

#include "board.h"

using namespace dmabridge;

namespace {

/* The fds an exec'd shell finds open, besides stdin, stdout and stderr. */
std::string inheritedFds()
{
	int out[2];
	if (pipe2(out, O_CLOEXEC) < 0)
		return "pipe failed";
	pid_t child = fork();
	if (child == 0) {
		dup2(out[1], 1); /* dup2 clears close-on-exec on the copy */
		/* Builtins only: the numbers of the fds it holds (the directory being read
		 * shows up too, the same in every call). */
		execl("/bin/sh", "sh", "-c", "for fd in /proc/$$/fd/*; do echo ${fd##*/}; done",
		      nullptr);
		_exit(127);
	}
	close(out[1]);
	std::string text;
	char buffer[512];
	ssize_t n;
	while ((n = read(out[0], buffer, sizeof(buffer))) > 0)
		text.append(buffer, size_t(n));
	close(out[0]);
	int status = 0;
	waitpid(child, &status, 0);
	return text;
}

TEST(CloseOnExec, NoLibraryFdReachesAnExecdChild)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	/* What the test process itself was started with (the harness's pipes) is not ours. */
	std::string before = inheritedFds();
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-000");
	Result<V4l2Device> direct = V4l2Device::openByName("vivid-002");
	Result<DrmDevice> display = DrmDevice::openByDriver("vkms");
	ASSERT_TRUE(camera && direct && display);
	std::vector<DmaBuf> buffers;
	for (const HeapInfo &heap : listHeaps()) {
		Result<DmaHeap> opened = DmaHeap::open(heap);
		ASSERT_TRUE(opened) << opened.error().describe();
		Result<DmaBuf> buffer = opened->allocate(1 << 20);
		ASSERT_TRUE(buffer) << buffer.error().describe();
		buffers.push_back(*buffer);
	}
	Result<DmaBuf> udmabuf = allocateUdmabuf(1 << 20);
	ASSERT_TRUE(udmabuf) << udmabuf.error().describe();
	Result<unsigned> count =
		camera->requestBuffers(V4l2Direction::Capture, V4l2Memory::Mmap, 2);
	ASSERT_TRUE(count) << count.error().describe();
	Result<std::vector<DmaBuf>> exported = camera->exportBuffer(V4l2Direction::Capture, 0);
	ASSERT_TRUE(exported) << exported.error().describe();
	Result<Layout> layout = computeLayout(DRM_FORMAT_XRGB8888, 64, 64);
	Result<DmaBuf> dumb = display->allocateDumb(*layout);
	ASSERT_TRUE(dumb) << dumb.error().describe();

	EXPECT_EQ(inheritedFds(), before) << "a child inherited fds that are not close-on-exec";
}

} /* namespace */
