/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Instructions, counted by callgrind: repeatable where CPU time in the emulated board moves
 * by a third between runs. The program measured marks its spans by calling the functions
 * of callgrind_markers.h; callgrind zeroes its counts on entering the first of each pair and writes
 * them out on entering the second, so one run gives the instructions of start-up and of
 * the frames from the warm-up frame to the last, the whole process and all its threads
 * (user space only: the kernel's work is not counted).
 */
#pragma once

#include <string>
#include <vector>

namespace dmabridge::bench {

struct FunctionCost
{
	std::string name; /* "object: function" */
	double perFrame = 0;
};

struct Instructions
{
	double startup = -1;           /* from the pipeline in NULL to the first frame shown */
	double perFrame = -1;          /* from the warm-up frame to the last, per frame */
	std::vector<FunctionCost> top; /* the costliest functions of a frame, their own cost */
	std::vector<FunctionCost> startupTop; /* and of start-up (perFrame: of all of it) */
	std::string error;
};

/* Whether valgrind is there to run: the benchmark leaves the instruction columns empty. */
bool haveCallgrind();

/*
 * Runs command (a program that calls the markers of callgrind_markers.h, with its
 * arguments) under callgrind; counted is the number of frames between its frame markers.
 * topCount > 0 also lists that many of the functions a frame costs most in.
 */
Instructions countInstructions(const std::string &command, unsigned counted, unsigned topCount = 0);

} /* namespace dmabridge::bench */
