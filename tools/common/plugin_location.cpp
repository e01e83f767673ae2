/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "plugin_location.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

#ifndef DMABRIDGE_PLUGINS_FROM_BINDIR
#error "the build gives DMABRIDGE_PLUGINS_FROM_BINDIR: the plugin directory seen from bindir"
#endif

namespace dmabridge::tools {

void useOwnPlugin()
{
	namespace fs = std::filesystem;
	std::error_code ec;
	fs::path program = fs::canonical("/proc/self/exe", ec);
	if (ec)
		return;
	fs::path dir = program.parent_path();
	/* Meson builds the tools in <build>/tools, beside its own meson-private directory. */
	fs::path plugins = fs::is_directory(dir.parent_path() / "meson-private", ec)
				   ? dir.parent_path() / "gst-plugin"
				   : (dir / DMABRIDGE_PLUGINS_FROM_BINDIR).lexically_normal();
	setenv("GST_PLUGIN_PATH", plugins.c_str(), 0);
}

} /* namespace dmabridge::tools */
