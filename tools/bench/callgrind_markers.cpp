/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "callgrind_markers.h"

/* Each with a body of its own, so that no optimisation folds them into one. */
namespace {
volatile int lastMarker;
}

extern "C" {
__attribute__((noinline)) void dmabridge_bench_startup_begins()
{
	lastMarker = 1;
}
__attribute__((noinline)) void dmabridge_bench_startup_ends()
{
	lastMarker = 2;
}
__attribute__((noinline)) void dmabridge_bench_frames_begin()
{
	lastMarker = 3;
}
__attribute__((noinline)) void dmabridge_bench_frames_end()
{
	lastMarker = 4;
}
}
