/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The behaviour the whole library is built on, checked on real drivers with raw ioctls:
 * a V4L2 queue on vb2-vmalloc (vivid-000) captures into any dma-buf, while one on
 * vb2-dma-contig without an IOMMU (vivid-001) needs physically contiguous memory: it
 * captures into CMA-heap buffers and rejects scattered system-heap pages with EFAULT.
 */
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/ioctl.h>

#include <linux/videodev2.h>

#include <dmabridge/dmabuf.h>
#include <dmabridge/heap.h>

#include "board.h"

using namespace dmabridge;

namespace {

constexpr uint32_t kWidth = 1280;
constexpr uint32_t kHeight = 720;
constexpr uint8_t kSentinel = 0xa5;

struct Case
{
	const char *device; /* bus_info suffix */
	bool contiguousHeap;
	bool expectCapture; /* false: QBUF must fail with EFAULT */
};

std::string caseName(const ::testing::TestParamInfo<Case> &info)
{
	std::string name =
		std::string(info.param.device) + (info.param.contiguousHeap ? "_cma" : "_system");
	std::replace(name.begin(), name.end(), '-', '_');
	return name;
}

class HeapCapture : public ::testing::TestWithParam<Case>
{
};

int xioctl(int fd, unsigned long request, void *arg)
{
	int ret;
	do {
		ret = ::ioctl(fd, request, arg);
	} while (ret < 0 && errno == EINTR);
	return ret < 0 ? errno : 0;
}

TEST_P(HeapCapture, QueueDmaBufFromHeap)
{
	const Case &c = GetParam();
	std::string path = test::findVideoDevice(std::string("platform:") + c.device);
	DMABRIDGE_REQUIRE_DEVICE(!path.empty(), c.device);
	Result<HeapInfo> heapInfo = findHeap(c.contiguousHeap);
	DMABRIDGE_REQUIRE_DEVICE(heapInfo.ok(), heapInfo.error().message());

	UniqueFd video(::open(path.c_str(), O_RDWR | O_CLOEXEC));
	ASSERT_TRUE(video.isValid()) << path << ": " << std::strerror(errno);

	struct v4l2_format format = {};
	format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	format.fmt.pix.width = kWidth;
	format.fmt.pix.height = kHeight;
	format.fmt.pix.pixelformat = V4L2_PIX_FMT_XBGR32;
	format.fmt.pix.field = V4L2_FIELD_NONE;
	ASSERT_EQ(xioctl(video.get(), VIDIOC_S_FMT, &format), 0);
	ASSERT_EQ(format.fmt.pix.width, kWidth);
	ASSERT_EQ(format.fmt.pix.height, kHeight);
	ASSERT_EQ(format.fmt.pix.pixelformat, uint32_t(V4L2_PIX_FMT_XBGR32));
	const size_t frameSize = format.fmt.pix.sizeimage;
	ASSERT_EQ(frameSize, size_t(kWidth) * kHeight * 4);

	struct v4l2_requestbuffers request = {};
	request.count = 1;
	request.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	request.memory = V4L2_MEMORY_DMABUF;
	ASSERT_EQ(xioctl(video.get(), VIDIOC_REQBUFS, &request), 0);
	ASSERT_GE(request.count, 1u);

	Result<DmaHeap> heap = DmaHeap::open(*heapInfo);
	ASSERT_TRUE(heap.ok()) << heap.error().describe();
	Result<DmaBuf> buffer = heap->allocate(frameSize, "heap-capture-test");
	ASSERT_TRUE(buffer.ok()) << buffer.error().describe();
	{
		CpuAccess access(*buffer, CpuAccessMode::Write);
		ASSERT_TRUE(access.isValid()) << access.error().describe();
		std::fill(access.write().begin(), access.write().end(), kSentinel);
	}

	struct v4l2_buffer qbuf = {};
	qbuf.index = 0;
	qbuf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	qbuf.memory = V4L2_MEMORY_DMABUF;
	qbuf.m.fd = buffer->fd().get();
	qbuf.length = frameSize;
	int err = xioctl(video.get(), VIDIOC_QBUF, &qbuf);
	if (!c.expectCapture) {
		EXPECT_EQ(err, EFAULT) << c.device << " took a " << heapInfo->name
				       << "-heap buffer it can't address contiguously";
		return;
	}
	ASSERT_EQ(err, 0) << c.device << " refused a " << heapInfo->name
			  << "-heap buffer: " << std::strerror(err);

	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	ASSERT_EQ(xioctl(video.get(), VIDIOC_STREAMON, &type), 0);
	struct pollfd pfd = { video.get(), POLLIN, 0 };
	ASSERT_EQ(::poll(&pfd, 1, 20000), 1) << "no frame from " << c.device << " within 20 s";

	struct v4l2_buffer dqbuf = {};
	dqbuf.type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	dqbuf.memory = V4L2_MEMORY_DMABUF;
	ASSERT_EQ(xioctl(video.get(), VIDIOC_DQBUF, &dqbuf), 0);
	EXPECT_EQ(dqbuf.index, 0u);
	EXPECT_EQ(dqbuf.bytesused, frameSize);
	EXPECT_FALSE(dqbuf.flags & V4L2_BUF_FLAG_ERROR);
	xioctl(video.get(), VIDIOC_STREAMOFF, &type);

	/* The device wrote the frame: the sentinel is gone from most of the buffer. */
	CpuAccess access(*buffer, CpuAccessMode::Read);
	ASSERT_TRUE(access.isValid()) << access.error().describe();
	size_t untouched = std::count(access.read().begin(), access.read().end(), kSentinel);
	EXPECT_LT(untouched, frameSize / 4)
		<< c.device << " left the " << heapInfo->name << "-heap buffer unwritten";
}

INSTANTIATE_TEST_SUITE_P(Vivid, HeapCapture,
			 ::testing::Values(Case{ "vivid-000", false, true },
					   Case{ "vivid-000", true, true },
					   Case{ "vivid-001", true, true },
					   Case{ "vivid-001", false, false }),
			 caseName);

} /* namespace */
