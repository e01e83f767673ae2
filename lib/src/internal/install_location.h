/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <filesystem>
#include <optional>

namespace dmabridge::internal {

/*
 * The directory of the board profiles that go with this library: for an uninstalled
 * library (in its Meson build tree), the copies the build put in tools/boards of that
 * tree; for an installed one, share/dmabridge/boards found from where the library itself
 * is, so that an installation moved as a whole (meson install --destdir, dpkg -x) still
 * finds its own. No path of the source or build tree is compiled in. nullopt when the
 * library can't tell where it is.
 */
std::optional<std::filesystem::path> boardProfileDirectory();

/*
 * The GPU memory probe's program (dmabridge-gpu-probe): beside the library in its build
 * tree, else in libexec found from where the library is, as the board profiles are.
 */
std::optional<std::filesystem::path> gpuProbeProgram();

} /* namespace dmabridge::internal */
