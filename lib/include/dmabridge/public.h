/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library's exported surface. It is built with hidden visibility: only what its
 * public headers declare between DMABRIDGE_PUBLIC_BEGIN and DMABRIDGE_PUBLIC_END is
 * exported, and tests/abi checks that list of symbols against lib/dmabridge.symbols, so
 * that a change to it is a conscious one.
 */
#pragma once

#include <memory>

#define DMABRIDGE_PUBLIC_BEGIN _Pragma("GCC visibility push(default)")
#define DMABRIDGE_PUBLIC_END _Pragma("GCC visibility pop")

/*
 * On the declaration of a public class's private state (its State, declared in the public
 * header and defined in the library): a nested class takes the visibility of the class
 * around it, so without this its members would be exported too. (On the declaration, not
 * the definition: clang refuses a definition whose visibility differs from it.)
 */
#define DMABRIDGE_HIDDEN __attribute__((visibility("hidden")))

/*
 * The private state of a public class, as libcamera's LIBCAMERA_DECLARE_PRIVATE: put
 * first in the class body. It declares the State the library defines (hidden, as above),
 * the unique_ptr to it that is the class's only data, the private constructor the
 * library builds the class with, and the destructor and move operations that make the
 * class a move-only handle; the library defines them where State is complete
 * (DMABRIDGE_DEFINE_PRIVATE). What follows the macro is private until an access
 * specifier says otherwise.
 */
#define DMABRIDGE_DECLARE_PRIVATE(Klass)                                                           \
public:                                                                                            \
	struct DMABRIDGE_HIDDEN State;                                                             \
	~Klass();                                                                                  \
	Klass(Klass &&) noexcept;                                                                  \
	Klass &operator=(Klass &&) noexcept;                                                       \
                                                                                                   \
private:                                                                                           \
	explicit Klass(std::unique_ptr<State> state);                                              \
	std::unique_ptr<State> state_;
