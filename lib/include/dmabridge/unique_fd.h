/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <memory>

#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * The one owner of a file descriptor: closes it when destroyed, moves but never copies.
 * release() hands the fd to the caller, who then owns it.
 */
class UniqueFd
{
public:
	UniqueFd() = default;
	explicit UniqueFd(int fd) : fd_(fd) {}
	UniqueFd(UniqueFd &&other) noexcept : fd_(other.release()) {}
	UniqueFd &operator=(UniqueFd &&other) noexcept;
	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	~UniqueFd() { reset(); }

	int get() const { return fd_; }
	bool isValid() const { return fd_ >= 0; }
	explicit operator bool() const { return isValid(); }

	[[nodiscard]] int release();
	void reset(int fd = -1);

	/* A new close-on-exec descriptor of the same open file; invalid on failure (errno set). */
	UniqueFd duplicate() const;

private:
	int fd_ = -1;
};

/*
 * A file descriptor shared by several owners; closed when the last one goes. Built from a
 * UniqueFd it takes that ownership; duplicateOf() dups an fd someone else keeps owning.
 */
class SharedFd
{
public:
	SharedFd() = default;
	explicit SharedFd(UniqueFd fd);
	static SharedFd duplicateOf(int fd);

	int get() const { return fd_ ? fd_->get() : -1; }
	bool isValid() const { return fd_ && fd_->isValid(); }
	explicit operator bool() const { return isValid(); }
	long useCount() const { return fd_.use_count(); }

	/* A UniqueFd of its own (a dup), for an API that takes ownership. */
	UniqueFd duplicate() const;

private:
	std::shared_ptr<UniqueFd> fd_;
};

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
