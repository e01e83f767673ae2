/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Where the library's data is, found from where the library is. */
#include "internal/install_location.h"

#include <dlfcn.h>
#include <system_error>

#ifndef DMABRIDGE_DATA_FROM_LIBDIR
#error "the build gives DMABRIDGE_DATA_FROM_LIBDIR: share/dmabridge as seen from the libdir"
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

/* Meson builds the library in <build>/lib, beside its own meson-private directory. */
bool inBuildTree(const std::filesystem::path &libraryDir)
{
	std::error_code ec;
	return std::filesystem::is_directory(libraryDir.parent_path() / "meson-private", ec);
}

} /* namespace */

std::optional<std::filesystem::path> boardProfileDirectory()
{
	std::optional<std::filesystem::path> dir = libraryDirectory();
	if (!dir)
		return std::nullopt;
	if (inBuildTree(*dir))
		return dir->parent_path() / "tools" / "boards";
	return (*dir / DMABRIDGE_DATA_FROM_LIBDIR / "boards").lexically_normal();
}

} /* namespace dmabridge::internal */
