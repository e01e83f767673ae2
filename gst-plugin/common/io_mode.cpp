/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "io_mode.h"

namespace dmabridge::gst {

GType ioModeType()
{
	static GType type = [] {
		static const GEnumValue values[] = {
			{ int(IoMode::Auto), "Decided by the plan", "auto" },
			{ int(IoMode::Import),
			  "Buffers allocated elsewhere, imported (V4L2_MEMORY_DMABUF)", "import" },
			{ int(IoMode::Export), "The device's own buffers, exported (MMAP + EXPBUF)",
			  "export" },
			{ 0, nullptr, nullptr },
		};
		return g_enum_register_static("GstDmabridgeIoMode", values);
	}();
	return type;
}

} /* namespace dmabridge::gst */
