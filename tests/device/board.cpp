/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "board.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/ioctl.h>
#include <sys/utsname.h>

#include <linux/videodev2.h>

#include <dmabridge/unique_fd.h>

namespace dmabridge::test {

bool onVirtualBoard()
{
	const char *board = std::getenv("DMABRIDGE_BOARD");
	return board && std::strcmp(board, "vboard") == 0;
}

std::string testName(std::string deviceName)
{
	std::replace(deviceName.begin(), deviceName.end(), '-', '_');
	return deviceName;
}

std::string findVideoDevice(const std::string &busInfo)
{
	std::error_code ec;
	for (const auto &entry : std::filesystem::directory_iterator("/dev", ec)) {
		std::string path = entry.path().string();
		if (path.rfind("/dev/video", 0) != 0)
			continue;
		UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
		struct v4l2_capability caps = {};
		if (fd && ::ioctl(fd.get(), VIDIOC_QUERYCAP, &caps) == 0 &&
		    busInfo == reinterpret_cast<const char *>(caps.bus_info))
			return path;
	}
	return {};
}

unsigned kernelRelease()
{
	struct utsname name = {};
	unsigned major = 0, minor = 0;
	if (uname(&name) != 0 || std::sscanf(name.release, "%u.%u", &major, &minor) != 2)
		return 0;
	return major * 100 + minor;
}

bool udmabufHasVmap()
{
	return kernelRelease() >= 602;
}

unsigned debianRelease()
{
	unsigned major = 0;
	if (FILE *file = std::fopen("/etc/debian_version", "r")) {
		if (std::fscanf(file, "%u", &major) != 1)
			major = 0;
		std::fclose(file);
	}
	return major;
}

bool mesaImportsAnyDmaBuf()
{
	return debianRelease() >= 13;
}

void expectVulkanImportMissing(bool opened, const std::string &error)
{
	EXPECT_FALSE(opened);
	EXPECT_NE(error.find("lacks VK_EXT_external_memory_dma_buf"), std::string::npos) << error;
}

std::string gpuMemorySentence()
{
	return mesaImportsAnyDmaBuf() ? "llvmpipe can use system heap, CMA heap"
				      : "llvmpipe can only use buffers allocated by /dev/dri/";
}

bool vkmsPrimaryPositions()
{
	return kernelRelease() >= 612;
}

} /* namespace dmabridge::test */
