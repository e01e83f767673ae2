/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Allocations are whole pages of the machine they are made on, and ARM kernels use 4, 16
 * or 64 KiB pages (Raspberry Pi 5's default kernel: 16 KiB). The page size is asked of
 * the kernel, and injected here: a 4 KiB machine plans, sizes udmabufs, asks heaps and
 * reads CMA areas as a 16 KiB one would. A board profile's page size wins over this
 * machine's when planning for that board.
 */
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include <dmabridge/allocator.h>
#include <dmabridge/board_profile.h>
#include <dmabridge/heap.h>
#include <dmabridge/plan.h>
#include <dmabridge/udmabuf.h>

#include "internal/page.h"

using namespace dmabridge;
namespace fs = std::filesystem;

namespace {

/* YUYV 100x100 on the Pi 5's camera front end (lines of 200 bytes, aligned to 16): 20800
 * bytes, which are 6 pages of 4 KiB and 2 of 16 KiB. */
constexpr uint32_t kWidth = 100, kHeight = 100;
constexpr uint64_t kIn4KiBPages = 24576, kIn16KiBPages = 32768;

PlanRequest rpi5CameraToDisplay(bool withProfilesPageSize)
{
	Result<BoardProfile> rpi5 = findBoardProfile("rpi5");
	EXPECT_TRUE(rpi5) << rpi5.error().describe();
	PlanRequest request;
	request.producer = *rpi5->device("rp1-cfe");
	request.consumers = { *rpi5->device("vc4") };
	request.fourcc = DRM_FORMAT_YUYV;
	request.width = kWidth;
	request.height = kHeight;
	request.heaps = rpi5->heaps;
	request.pageSize = withProfilesPageSize ? rpi5->pageSize : 0;
	return request;
}

class SixteenKiBPages : public ::testing::Test
{
protected:
	void SetUp() override { internal::setPageSizeForTest(16384); }
	void TearDown() override { internal::setPageSizeForTest(0); }
};

TEST(PageSize, IsAskedOfTheKernel)
{
	EXPECT_EQ(internal::pageSize(), uint32_t(::sysconf(_SC_PAGESIZE)));
}

TEST(PageSize, ABoardProfilesPageSizeIsPlannedFor)
{
	Result<BoardProfile> rpi5 = findBoardProfile("rpi5");
	ASSERT_TRUE(rpi5);
	EXPECT_EQ(rpi5->pageSize, 16384u);
	Result<Plan> plan = Planner().plan(rpi5CameraToDisplay(true));
	ASSERT_TRUE(plan) << plan.error().describe();
	EXPECT_EQ(plan->alignment.size, 16384u);
	EXPECT_EQ(plan->bufferSize, kIn16KiBPages) << plan->explain();
}

TEST_F(SixteenKiBPages, PlansWithoutOneUseThisMachines)
{
	Result<Plan> plan = Planner().plan(rpi5CameraToDisplay(false));
	ASSERT_TRUE(plan) << plan.error().describe();
	EXPECT_EQ(plan->alignment.size, 16384u);
	EXPECT_EQ(plan->bufferSize, kIn16KiBPages) << plan->explain();
	internal::setPageSizeForTest(4096);
	EXPECT_EQ(Planner().plan(rpi5CameraToDisplay(false))->bufferSize, kIn4KiBPages);
}

/* A memfd stands in for the device node: the request reaches it, and fails (ENOTTY)
 * saying what it asked for. */
struct NotADevice
{
	int fd = ::memfd_create("not-a-device", MFD_CLOEXEC);
	std::string path = "/proc/self/fd/" + std::to_string(fd);
	~NotADevice() { ::close(fd); }
};

TEST_F(SixteenKiBPages, HeapsAreAskedForWholePages)
{
	Result<Plan> plan = Planner().plan(rpi5CameraToDisplay(false));
	ASSERT_TRUE(plan) << plan.error().describe();
	ASSERT_EQ(plan->allocator, AllocatorKind::Heap);
	NotADevice heap;
	plan->heap.path = heap.path;
	Result<AllocatedBuffers> buffers = allocateBuffers(*plan, "page-size-test");
	ASSERT_FALSE(buffers);
	EXPECT_NE(buffers.error().message().find("could not allocate 32768 bytes"),
		  std::string::npos)
		<< buffers.error().message();
}

TEST_F(SixteenKiBPages, UdmabufsAreWholePages)
{
	NotADevice udmabuf;
	Result<DmaBuf> buffer = allocateUdmabuf(20800, "page-size-test", udmabuf.path);
	ASSERT_FALSE(buffer);
	EXPECT_NE(buffer.error().message().find("udmabuf of 32768 bytes"), std::string::npos)
		<< buffer.error().message();
}

/* A part of a large buffer is mapped as the whole pages around it, wherever it lies. */
TEST(PageSize, PartOfABufferIsMappedInWholePages)
{
	constexpr uint64_t kMiB = 1 << 20;
	internal::PageWindow inside = internal::pageWindow(20 * kMiB + 100, 5000, 16384);
	EXPECT_EQ(inside.start, 20 * kMiB);
	EXPECT_EQ(inside.length, 16384u);
	internal::PageWindow across = internal::pageWindow(16380, 10, 16384);
	EXPECT_EQ(across.start, 0u);
	EXPECT_EQ(across.length, 32768u);
	internal::PageWindow whole = internal::pageWindow(0, 3686400, 4096);
	EXPECT_EQ(whole.start, 0u);
	EXPECT_EQ(whole.length, 3686400u);
}

/* A CMA area of 128 MiB is 8192 pages of 16 KiB (/sys/kernel/mm/cma/NAME/total_pages). */
TEST_F(SixteenKiBPages, CmaAreasAreCountedInThosePages)
{
	fs::path root =
		fs::temp_directory_path() / ("page-size-test-" + std::to_string(::getpid()));
	fs::create_directories(root / "sys/kernel/mm/cma/reserved");
	fs::create_directories(root / "dev/dma_heap");
	std::ofstream(root / "sys/kernel/mm/cma/reserved/total_pages") << "8192\n";
	std::ofstream(root / "dev/dma_heap/reserved");
	::setenv("DMABRIDGE_SYSFS_ROOT", (root / "sys").c_str(), 1);
	std::vector<HeapInfo> heaps = listHeaps((root / "dev/dma_heap").string());
	::unsetenv("DMABRIDGE_SYSFS_ROOT");
	fs::remove_all(root);
	ASSERT_EQ(heaps.size(), 1u);
	EXPECT_EQ(heaps[0].kind, HeapKind::Cma) << heaps[0].reason;
	EXPECT_EQ(heaps[0].size, 128u << 20);
}

} /* namespace */
