/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where the library's data is, found from where the library is. */
#include "internal/install_location.h"

#include <dlfcn.h>
#include <system_error>

#if !defined(DMABRIDGE_DATA_FROM_LIBDIR) || !defined(DMABRIDGE_LIBEXEC_FROM_LIBDIR)
#error "the build gives DMABRIDGE_DATA_FROM_LIBDIR and DMABRIDGE_LIBEXEC_FROM_LIBDIR: \
share/dmabridge and libexec as seen from the libdir"
#endif

namespace dmabridge::internal {

namespace {

/* The directory this library was loaded from, symbolic links resolved (/lib -> /usr/lib). */
std::optional<std::filesystem::path> libraryDirectory()
{
	Dl_info info{};
	if (!dladdr(reinterpret_cast<void *>(&boardProfileDirectory), &info) || !info.dli_fname)
		return std::nullopt;
	std::error_code ec;
	std::filesystem::path library = std::filesystem::canonical(info.dli_fname, ec);
	if (ec)
		return std::nullopt;
	return library.parent_path();
}

/*
 * The Meson build tree the library (or a test that links its archive) was built in: the
 * directory above it with a meson-private directory. Installed, there is none.
 */
std::optional<std::filesystem::path> buildTree(std::filesystem::path dir)
{
	std::error_code ec;
	for (int up = 0; up < 4 && dir.has_relative_path(); up++, dir = dir.parent_path())
		if (std::filesystem::is_directory(dir / "meson-private", ec))
			return dir;
	return std::nullopt;
}

/*
 * Something that goes with the library: at inBuildTree in the build tree it was built in,
 * else at installed, relative to the directory the library was loaded from.
 */
std::optional<std::filesystem::path> besideLibrary(const std::filesystem::path &inBuildTree,
						   const std::filesystem::path &installed)
{
	std::optional<std::filesystem::path> dir = libraryDirectory();
	if (!dir)
		return std::nullopt;
	if (std::optional<std::filesystem::path> build = buildTree(*dir))
		return *build / inBuildTree;
	return (*dir / installed).lexically_normal();
}

} /* namespace */

std::optional<std::filesystem::path> boardProfileDirectory()
{
	return besideLibrary("tools/boards",
			     std::filesystem::path(DMABRIDGE_DATA_FROM_LIBDIR) / "boards");
}

std::optional<std::filesystem::path> gpuProbeProgram()
{
	return besideLibrary("lib/dmabridge-gpu-probe",
			     std::filesystem::path(DMABRIDGE_LIBEXEC_FROM_LIBDIR) /
				     "dmabridge-gpu-probe");
}

} /* namespace dmabridge::internal */
