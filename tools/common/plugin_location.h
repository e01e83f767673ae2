/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

namespace dmabridge::tools {

/*
 * Points GStreamer at the dmabridge plugin that goes with this program, unless
 * GST_PLUGIN_PATH already says where (call it before gst_init): in the build tree, the
 * build's gst-plugin directory; installed, the plugin directory as seen from the
 * program's own (a prefix GStreamer doesn't search, or an installation moved as a whole,
 * still finds its own plugin). No path of the build tree is compiled in.
 */
void useOwnPlugin();

} /* namespace dmabridge::tools */
