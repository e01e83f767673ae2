/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

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

template<typename T>
class [[nodiscard]] Result
{
public:
	Result(T value) : v_(std::move(value)) {}
	Result(Error error) : v_(std::move(error)) { assert(std::get<Error>(v_).code() != 0); }

	bool ok() const { return std::holds_alternative<T>(v_); }
	explicit operator bool() const { return ok(); }

	T &value() & { return std::get<T>(v_); }
	const T &value() const & { return std::get<T>(v_); }
	T &&value() && { return std::get<T>(std::move(v_)); }
	T *operator->() { return &value(); }
	const T *operator->() const { return &value(); }
	T &operator*() & { return value(); }
	const T &operator*() const & { return value(); }
	T &&operator*() && { return std::move(*this).value(); }

	const Error &error() const { return std::get<Error>(v_); }

private:
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
