/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What third-party drivers print while the tools probe devices. Mesa's loader writes
 * "MESA-LOADER: failed to open vgem: ..." to stderr whenever a DRM device has no GPU
 * driver of its own (vgem, vkms): noise among a tool's output, which the tools log at
 * debug level instead, saying in their own words what it means.
 */
#pragma once

#include <string>
#include <vector>

#include <dmabridge/unique_fd.h>

namespace dmabridge::tools {

/*
 * Takes the process's stderr (fd 2) into a file while it lives, or until finish():
 * whatever a driver prints there meanwhile. Not for threads that print concurrently.
 */
class CapturedStderr
{
public:
	CapturedStderr();
	~CapturedStderr();
	CapturedStderr(const CapturedStderr &) = delete;
	CapturedStderr &operator=(const CapturedStderr &) = delete;

	/* Gives stderr back; returns what was printed there meanwhile. */
	std::string finish();

private:
	UniqueFd saved_;
	UniqueFd file_;
};

/* The DRM drivers Mesa's loader could not find a GPU driver for, in text's order. */
std::vector<std::string> unloadedGpuDrivers(const std::string &text);

/* Prints each line of text on stderr as "debug: LINE". */
void printDebug(const std::string &text);

} /* namespace dmabridge::tools */
