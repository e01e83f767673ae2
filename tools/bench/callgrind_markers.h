/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The functions a measured program calls at the ends of its spans, for callgrind to zero
 * its counts before the first of each pair and write them out before the second
 * (callgrind.cpp names them): start-up, from the pipeline or loop set up to the first frame
 * shown; and the frames counted. Named in C, kept out of line.
 */
#pragma once

extern "C" {
void dmabridge_bench_startup_begins();
void dmabridge_bench_startup_ends();
void dmabridge_bench_frames_begin();
void dmabridge_bench_frames_end();
}
