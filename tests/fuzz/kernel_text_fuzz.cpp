/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer: the text the kernel describes devices and buffers in (fdinfo, meminfo,
 * iomem, heap names) through the library's parsers. Any input must give an answer or
 * "absent"; the first line also serves as the key looked up in the rest.
 */
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../../lib/src/alloc/heap_table.h"
#include "../../lib/src/device/kernel_text.h"

using namespace dmabridge::internal;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);
	std::string_view key = text.substr(0, text.find('\n'));
	for (std::string_view k : { key, std::string_view("exp_name"), std::string_view("name") }) {
		std::optional<std::string> field = textField(text, k);
		if (field && field->size() > text.size())
			__builtin_trap();
	}
	std::optional<uint64_t> bytes = meminfoBytes(text, "CmaFree");
	if (bytes && *bytes % 1024)
		__builtin_trap();
	(void)endOfSystemRam(text);
	std::optional<KnownHeap> heap = knownHeap(key);
	if (heap && (heap->reason.empty() || heap->name != key))
		__builtin_trap();
	return 0;
}
