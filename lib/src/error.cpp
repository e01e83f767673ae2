/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <dmabridge/error.h>

namespace dmabridge {

static const char *errnoName(int code)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
	const char *name = strerrordesc_np(code) ? strerrorname_np(code) : nullptr;
	return name ? name : "?";
#else
	(void)code;
	return "?";
#endif
}

std::string Error::describe() const
{
	if (code_ == 0)
		return "no error";
	return message_ + " (" + errnoName(code_) + ")";
}

Error Error::fromErrno(int code, std::string what)
{
	return Error(code, std::move(what) + ": " + std::strerror(code));
}

void failUncheckedResult(const Error &error) noexcept
{
	std::fprintf(stderr, "dmabridge: value of a failed Result: %s\n", error.describe().c_str());
	std::abort();
}

const Error &noError() noexcept
{
	static const Error none;
	return none;
}

} /* namespace dmabridge */
