/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

namespace dmabridge::gst {

/*
 * The library's log into GStreamer's debug system: category "dmabridge-lib-plan" for the
 * library's "plan", and so on, each library level raised to what GST_DEBUG asks of its
 * category (DMABRIDGE_LOG still raises it further). Called once, when the plugin loads.
 */
void forwardLibraryLog();

} /* namespace dmabridge::gst */
