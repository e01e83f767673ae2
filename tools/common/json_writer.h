/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A small JSON writer for the tools' --json output: indented, escaped, no dependencies. */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dmabridge::tools {

class JsonWriter
{
public:
	JsonWriter &beginObject() { return open('{'); }
	JsonWriter &endObject() { return close('}'); }
	JsonWriter &beginArray() { return open('['); }
	JsonWriter &endArray() { return close(']'); }

	/* The key of the next value, inside an object. */
	JsonWriter &key(std::string_view name);

	JsonWriter &value(std::string_view text);
	JsonWriter &value(const char *text) { return value(std::string_view(text)); }
	JsonWriter &value(const std::string &text) { return value(std::string_view(text)); }
	JsonWriter &value(bool flag);
	JsonWriter &value(uint64_t number);
	JsonWriter &value(uint32_t number) { return value(uint64_t(number)); }
	JsonWriter &null();
	/* An array of strings. */
	JsonWriter &value(const std::vector<std::string> &texts);

	/* key(name).value(v) */
	template<typename T>
	JsonWriter &field(std::string_view name, const T &v)
	{
		return key(name).value(v);
	}

	/* The document, with a final newline once every object and array is closed. */
	std::string str() const { return out_ + "\n"; }

private:
	JsonWriter &open(char bracket);
	JsonWriter &close(char bracket);
	void separate();

	std::string out_;
	std::vector<bool> empty_; /* per open container: nothing written in it yet */
	bool afterKey_ = false;
};

} /* namespace dmabridge::tools */
