/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string_view>

namespace dmabridge::internal {

struct KnownHeap
{
	std::string_view name;
	bool contiguous;
	bool cached;
	std::string_view reason;
};

KnownHeap classifyHeap(std::string_view kernelName);

} /* namespace dmabridge::internal */
