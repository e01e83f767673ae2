/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An element's statistics are counted on its streaming threads (a m2m element has two,
 * a tee upstream feeds several) and read on another (the application's, when the element
 * goes to NULL). A plain 64-bit counter loses counts there, and on a 32-bit CPU a read can
 * see half of an update: each counter must be atomic.
 */
#include <atomic>
#include <gtest/gtest.h>
#include <thread>
#include <vector>

#include "../../gst-plugin/common/stats.h"

using dmabridge::gst::ElementStats;

namespace {

/* Just under 2^32, so that counting crosses from the low half of the counter to the high. */
constexpr uint64_t kStart = (uint64_t(1) << 32) - 50000;
constexpr unsigned kThreads = 4, kEach = 500000;

TEST(ElementStats, CountsFromSeveralThreadsAreNeitherLostNorTorn)
{
	ElementStats stats;
	stats.frames = kStart;
	stats.syncCalls = kStart;
	std::atomic<bool> counting = true, start = false;
	uint64_t wentBack = 0;
	std::thread reader([&] {
		uint64_t last = 0;
		while (counting) {
			uint64_t now = stats.syncCalls;
			wentBack += now < last;
			last = now;
		}
	});
	std::vector<std::thread> threads;
	for (unsigned t = 0; t < kThreads; t++)
		threads.emplace_back([&] {
			while (!start) /* all at once: they overlap even on one core */
				std::this_thread::yield();
			for (unsigned i = 0; i < kEach; i++) {
				stats.frames++;
				stats.syncCalls++;
				stats.bytesCopied += 3;
			}
		});
	start = true;
	for (std::thread &thread : threads)
		thread.join();
	counting = false;
	reader.join();

	EXPECT_EQ(stats.frames, kStart + kThreads * kEach);
	EXPECT_EQ(stats.syncCalls, kStart + kThreads * kEach);
	EXPECT_EQ(stats.bytesCopied, 3u * kThreads * kEach);
	EXPECT_EQ(wentBack, 0u) << "a reader saw the sync count go back";
}

} /* namespace */
