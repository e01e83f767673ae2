/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <vector>

namespace dmabridge::bench {

/*
 * Plays description (its sink named "sink") to EOS; prints what it measured. last is the
 * frame where the span callgrind counts ends (a few before the run's end, so that a frame
 * lost on the way doesn't lose the count); 0: a timed run, with no such span.
 */
int runChild(const std::string &description, unsigned warmup, unsigned last);

/* The command line of such a run: self (this program) --child DESCRIPTION ... */
std::string childCommand(const std::string &self, const std::string &description, unsigned warmup,
			 unsigned last = 0);

/* Runs command (a shell command line); its output, stdout and stderr. */
std::string capture(const std::string &command);

/* The value of a "key value" line of a run's output; -1 when there is none. */
double outputValue(const std::string &output, const std::string &key);

/* The fields of a line of raw results (tab-separated). */
std::vector<std::string> tabFields(const std::string &line);

} /* namespace dmabridge::bench */
