/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer: caps text from outside (a pipeline description, a peer element) to the layout
 * the elements import with, then the layout's own validation. Odd sizes, huge sizes and
 * unknown formats must be refused with a reason, never overflow.
 */
#include <cstddef>
#include <cstdint>
#include <string>

#include <gst/gst.h>
#include <gst/video/video.h>

#include "../../gst-plugin/common/dmabuf_memory.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool initialised = [] {
		gst_init(nullptr, nullptr);
		return true;
	}();
	(void)initialised;
	std::string text(reinterpret_cast<const char *>(data), size);
	GstCaps *caps = gst_caps_from_string(text.c_str());
	if (!caps)
		return 0;
	dmabridge::Result<dmabridge::gst::VideoCaps> video = dmabridge::gst::parseVideoCaps(caps);
	if (!video && video.error().message().empty())
		__builtin_trap();
	if (video) {
		dmabridge::Result<dmabridge::Layout> layout =
			dmabridge::gst::layoutOf(nullptr, *video);
		if (layout) {
			dmabridge::Status valid = layout->validate();
			uint64_t total = layout->bufferSize(0);
			(void)valid;
			(void)total;
		} else if (layout.error().message().empty()) {
			__builtin_trap();
		}
	}
	gst_caps_unref(caps);
	return 0;
}
