/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <optional>
#include <string_view>

namespace dmabridge::internal {

struct KnownHeap
{
	std::string_view name;
	bool contiguous;
	bool cached;
	std::string_view reason;
};

/* The table's entry for a heap name; none for names it doesn't know. */
std::optional<KnownHeap> knownHeap(std::string_view kernelName);

} /* namespace dmabridge::internal */
