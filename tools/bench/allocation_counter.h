/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Counts the heap allocations of the whole process, every thread and every library: the
 * program that links allocation_counter.cpp replaces the global operator new and delete
 * and exports malloc, calloc, realloc and the aligned allocators, each counting and then
 * forwarding to the C library's own (__libc_malloc...). A frame path that allocates
 * nothing leaves the count where it was; no timing is involved.
 *
 * Not for sanitizer builds: AddressSanitizer replaces the same functions.
 */
#pragma once

#include <cstdint>

namespace dmabridge::bench {

/* Allocations so far: operator new and the malloc family together. */
uint64_t allocationCount();

} /* namespace dmabridge::bench */
