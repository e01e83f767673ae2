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

#include "alloc/heap_table.h"

namespace fs = std::filesystem;
using namespace dmabridge;

namespace {

class HeapDirectory : public ::testing::Test
{
protected:
	void SetUp() override
	{
		char pattern[] = "/tmp/dmabridge-heaps-XXXXXX";
		ASSERT_NE(::mkdtemp(pattern), nullptr);
		dir_ = pattern;
	}
	void TearDown() override { fs::remove_all(dir_); }

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

	fs::path dir_;
};

TEST(HeapTable, KnownNames)
{
	for (const char *name : { "linux,cma", "reserved", "default_cma_region" }) {
		internal::KnownHeap heap = internal::classifyHeap(name);
		EXPECT_TRUE(heap.contiguous) << name;
		EXPECT_TRUE(heap.cached) << name;
	}
	EXPECT_FALSE(internal::classifyHeap("system").contiguous);
	EXPECT_TRUE(internal::classifyHeap("system").cached);
	EXPECT_FALSE(internal::classifyHeap("system-uncached").contiguous);
	EXPECT_FALSE(internal::classifyHeap("system-uncached").cached);
}

TEST(HeapTable, UnknownNamesAreCmaAreas)
{
	internal::KnownHeap heap = internal::classifyHeap("video-cma@38000000");
	EXPECT_TRUE(heap.contiguous);
	EXPECT_NE(std::string(heap.reason).find("CMA"), std::string::npos);
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

TEST(Heap, MissingDirectoryGivesNoHeaps)
{
	EXPECT_TRUE(listHeaps("/nonexistent/dma_heap").empty());
	EXPECT_FALSE(findHeap(false, "/nonexistent/dma_heap").ok());
}

} /* namespace */
