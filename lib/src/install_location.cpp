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

} /* namespace */

std::optional<std::filesystem::path> boardProfileDirectory()
{
	std::optional<std::filesystem::path> dir = libraryDirectory();
	if (!dir)
		return std::nullopt;
	if (std::optional<std::filesystem::path> build = buildTree(*dir))
		return *build / "tools" / "boards";
	return (*dir / DMABRIDGE_DATA_FROM_LIBDIR / "boards").lexically_normal();
}

std::optional<std::filesystem::path> gpuProbeProgram()
{
	std::optional<std::filesystem::path> dir = libraryDirectory();
	if (!dir)
		return std::nullopt;
	if (std::optional<std::filesystem::path> build = buildTree(*dir))
		return *build / "lib" / "dmabridge-gpu-probe";
	return (*dir / DMABRIDGE_LIBEXEC_FROM_LIBDIR / "dmabridge-gpu-probe").lexically_normal();
}

} /* namespace dmabridge::internal */
