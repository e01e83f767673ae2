/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What third-party drivers print while the tools probe devices. Mesa writes to stderr
 * whenever a DRM device has no GPU driver of its own (vgem, vkms): "MESA-LOADER: failed
 * to open vgem: ..." in Mesa 22, "kmsro: driver missing" in Mesa 25. That is noise among
 * a tool's output, which the tools log at debug level instead, saying in their own
 * words what it means.
 */
#pragma once

#include <string>

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

/*
 * Whether an EGL driver renders in software (llvmpipe, softpipe, swrast): the GPU driver
 * of the DRM device under it could not be loaded. Asked of the EGL device rather than
 * read from what Mesa printed: Mesa 22's loader says "MESA-LOADER: failed to open vgem",
 * Mesa 25 says "kmsro: driver missing" or nothing.
 */
bool rendersInSoftware(const std::string &eglDriver);

/* "Mesa could not load a GPU driver for vgem (/dev/dri/card0): EGL renders in software
 * (llvmpipe)" */
std::string softwareNote(const std::string &drmDriver, const std::string &node,
			 const std::string &eglDriver);

/* Prints each line of text on stderr as "debug: LINE". */
void printDebug(const std::string &text);

} /* namespace dmabridge::tools */
