/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * What went wrong: a positive errno value and a sentence that names the device or buffer
 * and the reason. The library never throws; fallible calls return Result<T> or Status.
 */
class Error
{
public:
	Error() = default;
	Error(int code, std::string message) : code_(code), message_(std::move(message)) {}

	int code() const { return code_; }
	const std::string &message() const { return message_; }
	/* The message followed by the errno name, e.g. "...: Bad address (EFAULT)". */
	std::string describe() const;

	/* Errors from errno right after a failed call: "<what>: <strerror>". */
	static Error fromErrno(int code, std::string what);

private:
	int code_ = 0;
	std::string message_;
};

/*
 * Reading the value of a failed Result is a bug in the caller: the process ends with the
 * error's description rather than an exception crossing the API.
 */
[[noreturn]] void failUncheckedResult(const Error &error) noexcept;
/* The Error a good Result or Status reports: code 0, "no error". */
const Error &noError() noexcept;

template<typename T>
class [[nodiscard]] Result
{
public:
	Result(T value) : v_(std::move(value)) {}
	Result(Error error) : v_(std::move(error)) { assert(std::get_if<Error>(&v_)->code() != 0); }

	bool ok() const noexcept { return std::holds_alternative<T>(v_); }
	explicit operator bool() const noexcept { return ok(); }

	T &value() &noexcept { return *checked(); }
	const T &value() const &noexcept { return *const_cast<Result *>(this)->checked(); }
	T &&value() &&noexcept { return std::move(*checked()); }
	T *operator->() noexcept { return checked(); }
	const T *operator->() const noexcept { return const_cast<Result *>(this)->checked(); }
	T &operator*() &noexcept { return value(); }
	const T &operator*() const &noexcept { return value(); }
	T &&operator*() &&noexcept { return std::move(*this).value(); }

	const Error &error() const noexcept
	{
		const Error *error = std::get_if<Error>(&v_);
		return error ? *error : noError();
	}

private:
	T *checked() noexcept
	{
		T *value = std::get_if<T>(&v_);
		if (!value)
			failUncheckedResult(*std::get_if<Error>(&v_));
		return value;
	}

	std::variant<T, Error> v_;
};

class [[nodiscard]] Status
{
public:
	Status() = default;
	Status(Error error) : error_(std::move(error)) {}

	bool ok() const { return error_.code() == 0; }
	explicit operator bool() const { return ok(); }
	const Error &error() const { return error_; }

private:
	Error error_;
};

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
