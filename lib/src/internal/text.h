/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string_view>

namespace dmabridge::internal {

/* text without leading and trailing blanks (spaces, tabs, carriage returns). */
inline std::string_view trim(std::string_view text)
{
	size_t first = text.find_first_not_of(" \t\r");
	if (first == std::string_view::npos)
		return {};
	size_t last = text.find_last_not_of(" \t\r");
	return text.substr(first, last - first + 1);
}

} /* namespace dmabridge::internal */
