/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "json_writer.h"

#include <cstdio>

namespace dmabridge::tools {

void JsonWriter::separate()
{
	if (afterKey_) {
		afterKey_ = false;
		return;
	}
	if (empty_.empty())
		return;
	if (!empty_.back())
		out_ += ',';
	empty_.back() = false;
	out_ += '\n';
	out_.append(2 * empty_.size(), ' ');
}

JsonWriter &JsonWriter::open(char bracket)
{
	separate();
	out_ += bracket;
	empty_.push_back(true);
	return *this;
}

JsonWriter &JsonWriter::close(char bracket)
{
	bool wasEmpty = empty_.back();
	empty_.pop_back();
	if (!wasEmpty) {
		out_ += '\n';
		out_.append(2 * empty_.size(), ' ');
	}
	out_ += bracket;
	return *this;
}

JsonWriter &JsonWriter::key(std::string_view name)
{
	value(name);
	out_ += ": ";
	afterKey_ = true;
	return *this;
}

JsonWriter &JsonWriter::value(std::string_view text)
{
	separate();
	out_ += '"';
	for (unsigned char c : text) {
		switch (c) {
		case '"':
			out_ += "\\\"";
			break;
		case '\\':
			out_ += "\\\\";
			break;
		case '\n':
			out_ += "\\n";
			break;
		case '\t':
			out_ += "\\t";
			break;
		default:
			if (c < 0x20) {
				char escaped[8];
				std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
				out_ += escaped;
			} else {
				out_ += char(c);
			}
		}
	}
	out_ += '"';
	return *this;
}

JsonWriter &JsonWriter::value(bool flag)
{
	separate();
	out_ += flag ? "true" : "false";
	return *this;
}

JsonWriter &JsonWriter::value(uint64_t number)
{
	separate();
	out_ += std::to_string(number);
	return *this;
}

JsonWriter &JsonWriter::value(const std::vector<std::string> &texts)
{
	beginArray();
	for (const std::string &text : texts)
		value(text);
	return endArray();
}

JsonWriter &JsonWriter::null()
{
	separate();
	out_ += "null";
	return *this;
}

} /* namespace dmabridge::tools */
