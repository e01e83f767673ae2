/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "qemu_display.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include <drm_fourcc.h>

namespace dmabridge::test {

namespace fs = std::filesystem;

namespace {

/* tools/vboard.d/display-dump serves requests written here. */
const fs::path kShare = "/run/vboard";

std::string readAll(const fs::path &path)
{
	std::ifstream file(path, std::ios::binary);
	return { std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>() };
}

/* A binary PPM (P6, maxval 255) as XRGB8888. */
Result<QemuPicture> parsePpm(const std::string &data)
{
	std::istringstream in(data);
	std::string magic;
	unsigned width = 0, height = 0, maxval = 0;
	in >> magic >> width >> height >> maxval;
	in.get(); /* the one whitespace before the samples */
	size_t start = size_t(in.tellg());
	if (magic != "P6" || maxval != 255 || !width || !height ||
	    data.size() - start < size_t(width) * height * 3)
		return Error(EINVAL, "QEMU's screendump is not a " + std::to_string(width) + "x" +
					     std::to_string(height) + " P6 picture (" +
					     std::to_string(data.size()) + " bytes)");
	QemuPicture picture;
	picture.layout.fourcc = DRM_FORMAT_XRGB8888;
	picture.layout.width = width;
	picture.layout.height = height;
	picture.layout.planeCount = 1;
	picture.layout.planes[0] = { 0, 0, width * 4, uint64_t(width) * 4 * height };
	picture.pixels.resize(size_t(width) * height * 4);
	const auto *rgb = reinterpret_cast<const uint8_t *>(data.data() + start);
	for (size_t i = 0; i < size_t(width) * height; i++) {
		picture.pixels[4 * i + 0] = rgb[3 * i + 2];
		picture.pixels[4 * i + 1] = rgb[3 * i + 1];
		picture.pixels[4 * i + 2] = rgb[3 * i + 0];
		picture.pixels[4 * i + 3] = 0xff;
	}
	return picture;
}

} /* namespace */

bool boardHasIommu()
{
	const char *iommu = std::getenv("VBOARD_IOMMU");
	return iommu && *iommu;
}

Result<QemuPicture> qemuScreendump(std::chrono::seconds wait)
{
	fs::path request = kShare / "screendump.request", picture = kShare / "screen.ppm",
		 error = kShare / "screen.error";
	std::error_code ec;
	fs::remove(picture, ec);
	fs::remove(error, ec);
	std::ofstream(request) << "screendump\n";
	auto deadline = std::chrono::steady_clock::now() + wait;
	while (fs::exists(request, ec)) {
		if (std::chrono::steady_clock::now() > deadline)
			return Error(ETIMEDOUT, "QEMU's monitor took no screendump in " +
							std::to_string(wait.count()) +
							" s (is the board run with --iommu?)");
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
	}
	if (fs::exists(error, ec))
		return Error(EIO, "QEMU's monitor: " + readAll(error));
	return parsePpm(readAll(picture));
}

} /* namespace dmabridge::test */
