/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libFuzzer: any text given as a board profile parses or fails with a reason, never more;
 * what parses, written out again, reads back to the same facts.
 */
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <dmabridge/board_profile.h>

#include "../profile_facts.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	std::string_view text(reinterpret_cast<const char *>(data), size);
	dmabridge::Result<dmabridge::BoardProfile> profile =
		dmabridge::BoardProfile::parse(text, "fuzz.board");
	if (profile) {
		/* A parsed profile can be planned against without surprises. */
		for (const dmabridge::BoardDevice &device : profile->devices)
			(void)profile->device(device.id);
		dmabridge::Result<dmabridge::BoardProfile> again = dmabridge::BoardProfile::parse(
			dmabridge::boardProfileText(*profile), "written.board");
		if (!again || !dmabridge::test::differingFacts(*profile, *again).empty())
			__builtin_trap(); /* a profile that doesn't survive being written */
	} else if (profile.error().message().empty()) {
		__builtin_trap(); /* every refusal says why */
	}
	return 0;
}
