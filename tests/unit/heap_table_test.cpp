/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Heap discovery by what a heap is, not by one name. The directory here holds ordinary
 * files named like /dev/dma_heap's nodes (and links, as udev makes them): listHeaps()
 * reads names and links only, so this checks the classification; allocation from real
 * heaps is a device test.
 */
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <unistd.h>

#include <dmabridge/heap.h>

#include "../temporary_directory.h"
#include "alloc/heap_table.h"

namespace fs = std::filesystem;
using namespace dmabridge;

namespace {

class HeapDirectory : public ::testing::Test
{
protected:
	void SetUp() override { ASSERT_FALSE(dir_.empty()); }

	void node(const std::string &name) { std::ofstream(dir_ / name).put('\0'); }
	void link(const std::string &name, const std::string &target)
	{
		fs::create_symlink(target, dir_ / name);
	}
	const HeapInfo *find(const std::vector<HeapInfo> &heaps, const std::string &name)
	{
		for (const HeapInfo &heap : heaps)
			if (heap.name == name)
				return &heap;
		return nullptr;
	}

	test::TemporaryDirectory temporary_{ "heaps" };
	fs::path dir_ = temporary_.path();
};

TEST(HeapTable, KnownNames)
{
	for (const char *name : { "linux,cma", "reserved", "default_cma_region" }) {
		std::optional<internal::KnownHeap> heap = internal::knownHeap(name);
		ASSERT_TRUE(heap) << name;
		EXPECT_TRUE(heap->contiguous) << name;
		EXPECT_TRUE(heap->cached) << name;
	}
	EXPECT_FALSE(internal::knownHeap("system")->contiguous);
	EXPECT_TRUE(internal::knownHeap("system")->cached);
	EXPECT_FALSE(internal::knownHeap("system-uncached")->contiguous);
	EXPECT_FALSE(internal::knownHeap("system-uncached")->cached);
	EXPECT_FALSE(internal::knownHeap("video-cma@38000000")) << "the table knows its names only";
}

TEST_F(HeapDirectory, FollowsVendorLinks)
{
	node("system");
	node("linux,cma");
	link("vidbuf_cached", "linux,cma"); /* Raspberry Pi 4 */
	std::vector<HeapInfo> heaps = listHeaps(dir_);
	ASSERT_EQ(heaps.size(), 3u);

	const HeapInfo *vidbuf = find(heaps, "vidbuf_cached");
	ASSERT_NE(vidbuf, nullptr);
	EXPECT_EQ(vidbuf->kernelName, "linux,cma");
	EXPECT_TRUE(vidbuf->contiguous);
	EXPECT_NE(vidbuf->reason.find("links to 'linux,cma'"), std::string::npos) << vidbuf->reason;
}

TEST_F(HeapDirectory, VendorLinkToSystemIsScattered)
{
	node("system");
	link("vidbuf_cached", "system");               /* Raspberry Pi 5: behind an IOMMU */
	std::vector<HeapInfo> heaps = listHeaps(dir_); /* outlives the pointer into it */
	const HeapInfo *vidbuf = find(heaps, "vidbuf_cached");
	ASSERT_NE(vidbuf, nullptr);
	EXPECT_FALSE(vidbuf->contiguous);
}

TEST_F(HeapDirectory, FindHeapByKind)
{
	node("system");
	node("reserved");
	Result<HeapInfo> cma = findHeap(true, dir_);
	ASSERT_TRUE(cma.ok()) << cma.error().describe();
	EXPECT_EQ(cma->name, "reserved");
	Result<HeapInfo> system = findHeap(false, dir_);
	ASSERT_TRUE(system.ok());
	EXPECT_EQ(system->name, "system");
}

TEST_F(HeapDirectory, MissingKindNamesWhatWasFound)
{
	node("system");
	Result<HeapInfo> cma = findHeap(true, dir_);
	ASSERT_FALSE(cma.ok());
	EXPECT_EQ(cma.error().code(), ENOENT);
	EXPECT_NE(cma.error().message().find("no contiguous (CMA) dma-buf heap"),
		  std::string::npos);
	EXPECT_NE(cma.error().message().find("found: system"), std::string::npos)
		<< cma.error().message();
}

/*
 * A heap is known by what it is: a CMA area has a directory in /sys/kernel/mm/cma
 * (CONFIG_CMA_SYSFS), the system heap is "system", anything else (a vendor carveout, a
 * secure heap) is unknown and never chosen. The sysfs root is a directory of the test's.
 */
class HeapsAndSysfs : public HeapDirectory
{
protected:
	void SetUp() override
	{
		HeapDirectory::SetUp();
		sysfs_ = dir_ / "sys";
		fs::create_directories(sysfs_);
		ASSERT_EQ(::setenv("DMABRIDGE_SYSFS_ROOT", sysfs_.c_str(), 1), 0);
		heaps_ = dir_ / "dma_heap";
		fs::create_directories(heaps_);
	}
	void TearDown() override { ::unsetenv("DMABRIDGE_SYSFS_ROOT"); }
	void heapNode(const std::string &name) { std::ofstream(heaps_ / name).put('\0'); }
	void cmaArea(const std::string &name) { fs::create_directories(cmaDir() / name); }
	fs::path cmaDir() const { return sysfs_ / "kernel" / "mm" / "cma"; }

	fs::path sysfs_, heaps_;
};

TEST_F(HeapsAndSysfs, CmaAreaIsKnownBySysfs)
{
	cmaArea("reserved");
	heapNode("system");
	heapNode("reserved");
	Result<HeapInfo> cma = findHeap(true, heaps_);
	ASSERT_TRUE(cma.ok()) << cma.error().describe();
	EXPECT_EQ(cma->name, "reserved");
	EXPECT_NE(cma->reason.find("kernel/mm/cma/reserved"), std::string::npos) << cma->reason;
}

TEST_F(HeapsAndSysfs, HeapThatIsNoCmaAreaIsNeverTakenForOne)
{
	cmaArea("reserved");
	heapNode("system");
	heapNode("secure_video"); /* a vendor's heap: not in /sys/kernel/mm/cma */
	Result<HeapInfo> cma = findHeap(true, heaps_);
	ASSERT_FALSE(cma.ok()) << "took " << cma->name << " for a CMA area: " << cma->reason;
	EXPECT_NE(cma.error().message().find("secure_video"), std::string::npos)
		<< cma.error().message();
	Result<HeapInfo> system = findHeap(false, heaps_);
	ASSERT_TRUE(system.ok());
	EXPECT_EQ(system->name, "system");
}

TEST_F(HeapsAndSysfs, WithoutCmaSysfsUnknownNamesStayUnknown)
{
	/* No /sys/kernel/mm/cma: the name table decides, and knows only its names. */
	heapNode("system");
	heapNode("video-cma@38000000");
	EXPECT_FALSE(findHeap(true, heaps_).ok()) << "an unknown name was taken for CMA";
	heapNode("linux,cma");
	Result<HeapInfo> cma = findHeap(true, heaps_);
	ASSERT_TRUE(cma.ok());
	EXPECT_EQ(cma->name, "linux,cma");
	EXPECT_NE(cma->reason.find("name table"), std::string::npos) << cma->reason;
}

TEST(Heap, MissingDirectoryGivesNoHeaps)
{
	EXPECT_TRUE(listHeaps("/nonexistent/dma_heap").empty());
	EXPECT_FALSE(findHeap(false, "/nonexistent/dma_heap").ok());
}

} /* namespace */
