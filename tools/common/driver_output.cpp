/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "driver_output.h"

#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <iterator>
#include <sstream>
#include <sys/mman.h>
#include <unistd.h>

namespace dmabridge::tools {

CapturedStderr::CapturedStderr()
{
	std::fflush(stderr);
	/* A file, not a pipe: a driver that prints much can't block on a full pipe. */
	file_ = UniqueFd(::memfd_create("dmabridge-driver-output", MFD_CLOEXEC));
	saved_ = UniqueFd(::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3));
	if (!file_ || !saved_ || ::dup2(file_.get(), STDERR_FILENO) < 0) {
		file_.reset();
		saved_.reset();
	}
}

CapturedStderr::~CapturedStderr()
{
	(void)finish();
}

std::string CapturedStderr::finish()
{
	if (!saved_)
		return {};
	std::fflush(stderr);
	::dup2(saved_.get(), STDERR_FILENO);
	saved_.reset();
	std::string text;
	char buffer[4096];
	ssize_t n;
	for (off_t at = 0; (n = ::pread(file_.get(), buffer, sizeof(buffer), at)) > 0; at += n)
		text.append(buffer, size_t(n));
	file_.reset();
	return text;
}

bool rendersInSoftware(const std::string &eglDriver)
{
	static const char *const kSoftware[] = { "llvmpipe", "softpipe", "swrast", "kms_swrast" };
	return std::any_of(std::begin(kSoftware), std::end(kSoftware),
			   [&](const char *name) { return eglDriver.find(name) == 0; });
}

std::string softwareNote(const std::string &drmDriver, const std::string &node,
			 const std::string &eglDriver)
{
	return "Mesa could not load a GPU driver for " + drmDriver + " (" + node +
	       "): EGL renders in software (" + eglDriver + ")";
}

void printDebug(const std::string &text)
{
	std::istringstream lines(text);
	std::string line;
	while (std::getline(lines, line))
		if (!line.empty())
			std::fprintf(stderr, "debug: %s\n", line.c_str());
}

} /* namespace dmabridge::tools */
