/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <filesystem>
#include <stdlib.h>
#include <string>
#include <system_error>

namespace dmabridge::test {

/*
 * A directory of a test's own, /tmp/dmabridge-NAME-XXXXXX, removed with all it holds
 * when the object goes. path() is empty when it could not be made.
 */
class TemporaryDirectory
{
public:
	explicit TemporaryDirectory(const std::string &name)
	{
		std::string pattern = "/tmp/dmabridge-" + name + "-XXXXXX";
		if (::mkdtemp(pattern.data()))
			path_ = pattern;
	}
	~TemporaryDirectory()
	{
		std::error_code ec;
		if (!path_.empty())
			std::filesystem::remove_all(path_, ec);
	}
	TemporaryDirectory(const TemporaryDirectory &) = delete;
	TemporaryDirectory &operator=(const TemporaryDirectory &) = delete;

	const std::filesystem::path &path() const { return path_; }

private:
	std::filesystem::path path_;
};

} /* namespace dmabridge::test */
