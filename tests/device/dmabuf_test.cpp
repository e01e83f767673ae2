/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dma-buf basics on real allocators: names, fences, close-on-exec, CPU writes the display
 * really shows, udmabuf, V4L2-exported buffers, and the errors for a heap the user may
 * not open and for an exhausted CMA area.
 */
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include <dmabridge/drm.h>
#include <dmabridge/heap.h>
#include <dmabridge/kms.h>
#include <dmabridge/udmabuf.h>
#include <dmabridge/v4l2.h>

#include "board.h"
#include "capture.h"
#include "scanout.h"

using namespace dmabridge;

namespace {

/* The fds open now; the listing's own directory fd, closed by then, is left out. */
std::set<int> openFds()
{
	std::set<int> fds;
	std::error_code ec;
	for (const auto &entry : std::filesystem::directory_iterator("/proc/self/fd", ec))
		fds.insert(std::stoi(entry.path().filename().string()));
	std::erase_if(fds, [](int fd) { return ::fcntl(fd, F_GETFD) < 0; });
	return fds;
}

/* Fills an XRGB8888 frame with a pattern of position-dependent colours. */
void drawPattern(const DmaBuf &buffer, const Layout &layout)
{
	CpuAccess access(buffer, CpuAccessMode::Write);
	ASSERT_TRUE(access.isValid()) << access.error().describe();
	for (uint32_t y = 0; y < layout.height; y++) {
		uint8_t *line = access.write().data() + y * layout.planes[0].stride;
		for (uint32_t x = 0; x < layout.width; x++) {
			line[4 * x + 0] = uint8_t(x);
			line[4 * x + 1] = uint8_t(y);
			line[4 * x + 2] = uint8_t(x ^ y);
			line[4 * x + 3] = 0xff;
		}
	}
}

/* Shows buffer full-screen on vkms: writeback saw the same picture. */
::testing::AssertionResult showAndCompare(const DrmDevice &vkms, const DmaBuf &buffer,
					  const Layout &layout)
{
	Result<KmsDisplay> display = KmsDisplay::open(vkms);
	EXPECT_TRUE(display.ok()) << display.error().describe();
	if (!display)
		return ::testing::AssertionFailure() << display.error().describe();
	FramebufferCache cache(vkms);
	Result<uint32_t> fb = cache.framebuffer({ &buffer, 1 }, layout);
	EXPECT_TRUE(fb.ok()) << fb.error().describe();
	Status shown = fb ? display->show(*fb, layout) : Status(fb.error());
	EXPECT_TRUE(shown.ok()) << shown.error().describe();
	Layout readLayout;
	Result<DmaBuf> read = vkms.allocateDumb(
		*computeLayout(DRM_FORMAT_XRGB8888, layout.width, layout.height), &readLayout);
	Status readBack = read ? display->readBack(cache, *read, readLayout) : Status(read.error());
	EXPECT_TRUE(readBack.ok()) << readBack.error().describe();
	if (!shown || !readBack)
		return ::testing::AssertionFailure() << "not shown and read back";

	::testing::AssertionResult same = test::samePicture(buffer, layout, *read, readLayout);
	(void)display->disable();
	return same;
}

TEST(DmaBufOnBoard, NameIdentityAndFences)
{
	Result<DmaBuf> buffer = test::heapBuffer(false, 65536, "dmabuf-test");
	DMABRIDGE_REQUIRE_DEVICE(buffer.ok(), buffer.error().message());
	EXPECT_EQ(buffer->size(), 65536u);
	EXPECT_EQ(buffer->name(), "dmabuf-test");
	EXPECT_TRUE(buffer->setName("renamed").ok());
	EXPECT_EQ(buffer->name(), "renamed");
	EXPECT_EQ(buffer->exporter(), "system");
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	ASSERT_TRUE(vkms.ok());
	EXPECT_FALSE(vkms->allocated(*buffer).value()) << "a heap buffer is an import for vkms";
	Result<DmaBuf> dumb = vkms->allocateDumb(*computeLayout(DRM_FORMAT_XRGB8888, 64, 64));
	ASSERT_TRUE(dumb.ok());
	Result<DrmDevice> checker = DrmDevice::open(vkms->path());
	EXPECT_TRUE(checker->allocated(*dumb).value());
	Status tooLong = buffer->setName(std::string(40, 'x'));
	ASSERT_FALSE(tooLong.ok());
	EXPECT_EQ(tooLong.error().code(), EINVAL);

	Result<UniqueFd> fence = buffer->exportSyncFile(DmaBuf::FenceFor::Read);
	ASSERT_TRUE(fence.ok()) << fence.error().describe();
	EXPECT_TRUE(fence->isValid());
	EXPECT_TRUE(buffer->importSyncFile(*fence, DmaBuf::FenceFor::Write).ok());
}

TEST(DmaBufOnBoard, EveryFdTheLibraryCreatesIsCloseOnExec)
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), vkms.error().message());
	std::set<int> before = openFds();

	Result<DmaBuf> heapBuffer = test::heapBuffer(false, 4096, "dmabuf-test");
	Result<DmaBuf> udmabuf = allocateUdmabuf(4096);
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-001");
	Result<DmaBuf> dumb = vkms->allocateDumb(*computeLayout(DRM_FORMAT_XRGB8888, 64, 64));
	ASSERT_TRUE(heapBuffer.ok() && udmabuf.ok() && camera.ok() && dumb.ok());
	ASSERT_TRUE(camera->setFormat(V4l2Direction::Capture,
				      *computeLayout(DRM_FORMAT_XRGB8888, 640, 480))
			    .ok());
	ASSERT_TRUE(camera->requestBuffers(V4l2Direction::Capture, V4l2Memory::Mmap, 1).ok());
	Result<std::vector<DmaBuf>> exported = camera->exportBuffer(V4l2Direction::Capture, 0);
	ASSERT_TRUE(exported.ok()) << exported.error().describe();
	Result<UniqueFd> fence = heapBuffer->exportSyncFile(DmaBuf::FenceFor::Read);
	ASSERT_TRUE(fence.ok());

	std::set<int> after = openFds();

	unsigned checked = 0;
	for (int fd : after) {
		if (before.count(fd))
			continue;
		int flags = ::fcntl(fd, F_GETFD);
		EXPECT_TRUE(flags & FD_CLOEXEC) << "fd " << fd << " would leak into a child";
		checked++;
		std::error_code ec;
		std::cout << "new fd " << fd << " -> "
			  << std::filesystem::read_symlink("/proc/self/fd/" + std::to_string(fd),
							   ec)
			  << std::endl;
	}
	EXPECT_GE(checked, 6u)
		<< "new fds: heap buffer, udmabuf, V4L2 device, dumb buffer, export, fence";

	/* And a child really inherits none of them. */
	int pipeFds[2];
	ASSERT_EQ(::pipe2(pipeFds, O_CLOEXEC), 0);
	pid_t child = ::fork();
	if (child == 0) {
		::dup2(pipeFds[1], 1);
		::execl("/bin/sh", "sh", "-c", "ls /proc/$$/fd | wc -l", nullptr);
		::_exit(127);
	}
	::close(pipeFds[1]);
	char text[16] = {};
	ssize_t got = ::read(pipeFds[0], text, sizeof(text) - 1);
	::close(pipeFds[0]);
	::waitpid(child, nullptr, 0);
	ASSERT_GT(got, 0);
	EXPECT_LE(std::atoi(text), 4)
		<< "the child inherited fds (it should see 0-2 and one of its own)";
}

TEST(DmaBufOnBoard, CpuWritesThroughTheScopeReachTheDisplay)
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), vkms.error().message());
	Layout layout = *computeLayout(DRM_FORMAT_XRGB8888, 1280, 720);
	Result<HeapInfo> cma = findHeap(true);
	ASSERT_TRUE(cma.ok()) << cma.error().describe();
	Result<DmaBuf> buffer = DmaHeap::open(*cma)->allocate(layout.bufferSize(0));
	ASSERT_TRUE(buffer.ok());

	uint64_t syncs = counters().syncCalls;
	drawPattern(*buffer, layout);
	EXPECT_EQ(counters().syncCalls, syncs + 2) << "one START and one END for one CPU write";
	EXPECT_TRUE(showAndCompare(*vkms, *buffer, layout));
}

/*
 * udmabuf in Linux 6.1 offers no kernel mapping (no vmap in its dma_buf_ops), and both
 * importers here that need one refuse it: vb2-vmalloc at QBUF with EFAULT, vkms (GEM
 * shmem helpers) at the atomic commit; the errors say why. Linux 6.12's udmabuf maps:
 * vkms shows it and vivid-000 captures into it. The CPU path works on both.
 */
TEST(DmaBufOnBoard, UdmabufAndImportersThatMapIt)
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), vkms.error().message());
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-000");
	DMABRIDGE_REQUIRE_DEVICE(camera.ok(), camera.error().message());
	Layout layout = *computeLayout(DRM_FORMAT_XRGB8888, 640, 480);
	Result<DmaBuf> buffer = allocateUdmabuf(layout.bufferSize(0), "udmabuf-test");
	ASSERT_TRUE(buffer.ok()) << buffer.error().describe();
	/* A memfd of whole pages: 1228800 bytes are 75 pages of 16 KiB, 18.75 of 64 KiB. */
	const uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
	EXPECT_EQ(buffer->size(), (layout.bufferSize(0) + page - 1) / page * page);
	drawPattern(*buffer, layout);
	{
		CpuAccess access(*buffer, CpuAccessMode::Read);
		EXPECT_EQ(access.read()[4 * 5 + 0], 5) << "the CPU reads back what it wrote";
	}

	Result<KmsDisplay> display = KmsDisplay::open(*vkms);
	ASSERT_TRUE(display.ok()) << display.error().describe();
	FramebufferCache cache(*vkms);
	Result<uint32_t> fb = cache.framebuffer({ &*buffer, 1 }, layout);
	ASSERT_TRUE(fb.ok()) << fb.error().describe();
	Status shown = display->show(*fb, layout);
	ASSERT_TRUE(camera->setFormat(V4l2Direction::Capture, layout).ok());
	Status queued = test::queueAll(*camera, { *buffer }, layout);

	if (test::udmabufHasVmap()) {
		EXPECT_TRUE(shown.ok()) << shown.error().describe();
		ASSERT_TRUE(queued.ok()) << queued.error().describe();
		ASSERT_TRUE(camera->streamOn(V4l2Direction::Capture).ok());
		Result<V4l2Dequeued> frame =
			camera->dequeue(V4l2Direction::Capture, V4l2Memory::DmaBuf, 10000);
		ASSERT_TRUE(frame.ok()) << frame.error().describe();
		(void)camera->streamOff(V4l2Direction::Capture);
		EXPECT_GT(test::distinctColours(*buffer, layout), 4u)
			<< "vivid-000 wrote no picture into the udmabuf";
		return;
	}
	ASSERT_FALSE(shown.ok()) << "vkms can't map a Linux 6.1 udmabuf to compose it";
	EXPECT_EQ(shown.error().code(), EINVAL);
	ASSERT_FALSE(queued.ok());
	EXPECT_EQ(queued.error().code(), EFAULT);
	EXPECT_NE(queued.error().message().find("its exporter offers no vmap"), std::string::npos)
		<< queued.error().message();
}

TEST(DmaBufOnBoard, ExportedV4l2BuffersAreDisplayedAsTheyAre)
{
	Result<DrmDevice> vkms = DrmDevice::openByDriver("vkms");
	DMABRIDGE_REQUIRE_DEVICE(vkms.ok(), vkms.error().message());
	Result<V4l2Device> camera = V4l2Device::openByName("vivid-001");
	DMABRIDGE_REQUIRE_DEVICE(camera.ok(), camera.error().message());
	Result<Layout> layout = camera->setFormat(V4l2Direction::Capture,
						  *computeLayout(DRM_FORMAT_XRGB8888, 1280, 720));
	ASSERT_TRUE(layout.ok());
	Result<unsigned> count =
		camera->requestBuffers(V4l2Direction::Capture, V4l2Memory::Mmap, 2);
	ASSERT_TRUE(count.ok()) << count.error().describe();
	std::vector<DmaBuf> exported;
	for (unsigned i = 0; i < *count; i++) {
		Result<std::vector<DmaBuf>> planes =
			camera->exportBuffer(V4l2Direction::Capture, i);
		ASSERT_TRUE(planes.ok()) << planes.error().describe();
		exported.push_back(planes->front());
		ASSERT_TRUE(camera->queueMmap(V4l2Direction::Capture, i).ok());
	}
	EXPECT_NE(exported[0], exported[1]) << "two buffers, two identities";
	ASSERT_TRUE(camera->streamOn(V4l2Direction::Capture).ok());
	Result<V4l2Dequeued> frame =
		camera->dequeue(V4l2Direction::Capture, V4l2Memory::Mmap, 20000);
	ASSERT_TRUE(frame.ok()) << frame.error().describe();
	EXPECT_TRUE(showAndCompare(*vkms, exported[frame->index], *layout));
	ASSERT_TRUE(camera->streamOff(V4l2Direction::Capture).ok());
}

TEST(DmaBufOnBoard, CmaExhaustedSaysHowMuchIsFree)
{
	Result<HeapInfo> cma = findHeap(true);
	DMABRIDGE_REQUIRE_DEVICE(cma.ok(), cma.error().message());
	Result<DmaHeap> heap = DmaHeap::open(*cma);
	ASSERT_TRUE(heap.ok());
	/* More than the whole area (cma= on the board's command line: 128 MiB, 512 MiB with
	 * 64 KiB pages), as the kernel tells its size. */
	ASSERT_GT(cma->size, 0u) << "the kernel tells no size of '" << cma->name << "'";
	const size_t tooMuch = cma->size + (size_t(64) << 20);
	Result<DmaBuf> huge = heap->allocate(tooMuch);
	ASSERT_FALSE(huge.ok()) << "the board's CMA area is " << cma->size << " bytes";
	EXPECT_EQ(huge.error().code(), ENOMEM);
	EXPECT_NE(huge.error().message().find("'" + cma->name + "' could not allocate " +
					      std::to_string(tooMuch) + " bytes"),
		  std::string::npos)
		<< huge.error().message();
	EXPECT_NE(huge.error().message().find("bytes free"), std::string::npos)
		<< huge.error().message();
	EXPECT_TRUE(heap->allocate(1 << 20).ok()) << "a failed allocation leaves the heap usable";
}

/* Bytes of this process's address space mapping buffer, from /proc/self/maps. */
uint64_t mappedBytesOf(const DmaBuf &buffer)
{
	std::ifstream maps("/proc/self/maps");
	uint64_t bytes = 0;
	for (std::string line; std::getline(maps, line);) {
		unsigned long long start, end, inode;
		char perms[8], offset[20], device[16];
		if (std::sscanf(line.c_str(), "%llx-%llx %7s %19s %15s %llu", &start, &end, perms,
				offset, device, &inode) == 6 &&
		    inode == buffer.identity().inode)
			bytes += end - start;
	}
	return bytes;
}

/*
 * A reader of a small part of a large buffer maps only the pages around it (a 32-bit
 * process has no address space for every large frame whole), and what it writes lands
 * where a mapping of the whole buffer sees it.
 */
TEST(DmaBufOnBoard, PartOfALargeBufferIsMappedAlone)
{
	constexpr uint64_t kSize = 32 << 20, kOffset = (20 << 20) + 100;
	Result<DmaBuf> buffer = test::heapBuffer(false, kSize, "dmabuf-test");
	ASSERT_TRUE(buffer.ok()) << buffer.error().describe();
	const char text[] = "a coded picture";
	{
		CpuAccess part(*buffer, CpuAccessMode::Write, ByteRange{ kOffset, sizeof(text) });
		ASSERT_TRUE(part.isValid()) << part.error().describe();
		ASSERT_EQ(part.write().size(), sizeof(text));
		EXPECT_EQ(mappedBytesOf(*buffer), uint64_t(::sysconf(_SC_PAGESIZE)));
		std::memcpy(part.write().data(), text, sizeof(text));
	}
	CpuAccess whole(*buffer, CpuAccessMode::Read);
	ASSERT_TRUE(whole.isValid()) << whole.error().describe();
	EXPECT_EQ(mappedBytesOf(*buffer), kSize);
	EXPECT_STREQ(reinterpret_cast<const char *>(whole.read().data() + kOffset), text);
	EXPECT_FALSE(CpuAccess(*buffer, CpuAccessMode::Read, ByteRange{ kSize - 1, 2 }).isValid())
		<< "a range past the end is refused";
}

} /* namespace */
