/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <filesystem>

namespace dmabridge::internal {

/*
 * Calls function with each entry of dir (none when it can't be read). The library never
 * throws: a range-for over std::filesystem::directory_iterator advances with operator++,
 * which throws when reading the directory fails midway; increment(ec) does not.
 */
template<typename Function>
void forEachEntry(const std::filesystem::path &dir, Function &&function)
{
	std::error_code ec;
	std::filesystem::directory_iterator it(dir, ec), end;
	for (; !ec && it != end; it.increment(ec))
		function(*it);
}

} /* namespace dmabridge::internal */
