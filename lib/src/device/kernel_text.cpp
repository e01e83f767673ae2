/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "kernel_text.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "../internal/text.h"

namespace dmabridge::internal {

namespace {

/* Calls f(line) for each line of text, without its newline. */
template<typename F>
void forEachLine(std::string_view text, F f)
{
	while (!text.empty()) {
		size_t end = text.find('\n');
		f(text.substr(0, end));
		if (end == std::string_view::npos)
			break;
		text.remove_prefix(end + 1);
	}
}

std::optional<uint64_t> parseNumber(std::string_view text, int base)
{
	uint64_t value = 0;
	auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
	if (error != std::errc() || end != text.data() + text.size())
		return std::nullopt;
	return value;
}

} /* namespace */

std::string readTextFile(const std::string &path)
{
	std::ifstream file(path);
	std::ostringstream text;
	text << file.rdbuf();
	return text.str();
}

std::optional<std::string> textField(std::string_view text, std::string_view key)
{
	std::optional<std::string> value;
	forEachLine(text, [&](std::string_view line) {
		if (value || line.size() <= key.size() || line.substr(0, key.size()) != key ||
		    line[key.size()] != ':')
			return;
		value = std::string(trim(line.substr(key.size() + 1)));
	});
	return value;
}

std::optional<uint64_t> meminfoBytes(std::string_view text, std::string_view key)
{
	std::optional<std::string> field = textField(text, key);
	if (!field || field->size() < 3 || field->substr(field->size() - 3) != " kB")
		return std::nullopt;
	std::optional<uint64_t> kib =
		parseNumber(trim(std::string_view(*field).substr(0, field->size() - 3)), 10);
	if (!kib || *kib > UINT64_MAX / 1024)
		return std::nullopt;
	return *kib * 1024;
}

uint64_t endOfSystemRam(std::string_view iomem)
{
	uint64_t end = 0;
	forEachLine(iomem, [&](std::string_view line) {
		/* "  00100000-7ffdffff : System RAM" (nested lines are indented). */
		size_t colon = line.find(" : ");
		if (colon == std::string_view::npos || line.substr(colon + 3) != "System RAM")
			return;
		std::string_view range = trim(line.substr(0, colon));
		size_t dash = range.find('-');
		if (dash == std::string_view::npos)
			return;
		std::optional<uint64_t> last = parseNumber(range.substr(dash + 1), 16);
		if (last && *last && *last != UINT64_MAX)
			end = std::max(end, *last + 1);
	});
	return end;
}

} /* namespace dmabridge::internal */
