/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer: any text given as a board profile parses or fails with a reason, never more. */
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <dmabridge/board_profile.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);
	dmabridge::Result<dmabridge::BoardProfile> profile =
		dmabridge::BoardProfile::parse(text, "fuzz.board");
	if (profile) {
		/* A parsed profile can be planned against without surprises. */
		for (const dmabridge::BoardDevice &device : profile->devices)
			(void)profile->device(device.id);
	} else if (profile.error().message().empty()) {
		__builtin_trap(); /* every refusal says why */
	}
	return 0;
}
