/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "allocation_counter.h"

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <new>

/* glibc's own allocator, under the names it exports besides malloc's. */
extern "C" {
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *pointer, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
void __libc_free(void *pointer);
}

namespace dmabridge::bench {

namespace {

std::atomic<uint64_t> allocations{ 0 };

void *counted(void *pointer)
{
	allocations.fetch_add(1, std::memory_order_relaxed);
	return pointer;
}

} /* namespace */

uint64_t allocationCount()
{
	return allocations.load(std::memory_order_relaxed);
}

} /* namespace dmabridge::bench */

using dmabridge::bench::counted;

/* The malloc family, for C libraries (libdrm, libv4l2) and the C++ runtime alike. */
extern "C" {

void *malloc(size_t size) noexcept
{
	return counted(__libc_malloc(size));
}

void *calloc(size_t count, size_t size) noexcept
{
	return counted(__libc_calloc(count, size));
}

void *realloc(void *pointer, size_t size) noexcept
{
	return counted(__libc_realloc(pointer, size));
}

void free(void *pointer) noexcept
{
	__libc_free(pointer);
}

void *memalign(size_t alignment, size_t size) noexcept
{
	return counted(__libc_memalign(alignment, size));
}

void *aligned_alloc(size_t alignment, size_t size) noexcept
{
	return counted(__libc_memalign(alignment, size));
}

int posix_memalign(void **pointer, size_t alignment, size_t size) noexcept
{
	*pointer = counted(__libc_memalign(alignment, size));
	return *pointer ? 0 : ENOMEM;
}

} /* extern "C" */

/*
 * operator new straight to the C library: through malloc above it would count twice.
 * Aligned forms and the nothrow ones included, so that no allocation passes by.
 */
void *operator new(size_t size)
{
	void *pointer = __libc_malloc(size ? size : 1);
	if (!pointer)
		throw std::bad_alloc();
	return counted(pointer);
}

void *operator new[](size_t size)
{
	return operator new(size);
}

void *operator new(size_t size, const std::nothrow_t &) noexcept
{
	return counted(__libc_malloc(size ? size : 1));
}

void *operator new[](size_t size, const std::nothrow_t &) noexcept
{
	return operator new(size, std::nothrow);
}

void *operator new(size_t size, std::align_val_t alignment)
{
	void *pointer = __libc_memalign(size_t(alignment), size ? size : 1);
	if (!pointer)
		throw std::bad_alloc();
	return counted(pointer);
}

void *operator new[](size_t size, std::align_val_t alignment)
{
	return operator new(size, alignment);
}

void operator delete(void *pointer) noexcept
{
	__libc_free(pointer);
}

void operator delete[](void *pointer) noexcept
{
	__libc_free(pointer);
}

void operator delete(void *pointer, size_t) noexcept
{
	__libc_free(pointer);
}

void operator delete[](void *pointer, size_t) noexcept
{
	__libc_free(pointer);
}

void operator delete(void *pointer, std::align_val_t) noexcept
{
	__libc_free(pointer);
}

void operator delete[](void *pointer, std::align_val_t) noexcept
{
	__libc_free(pointer);
}

void operator delete(void *pointer, size_t, std::align_val_t) noexcept
{
	__libc_free(pointer);
}

void operator delete[](void *pointer, size_t, std::align_val_t) noexcept
{
	__libc_free(pointer);
}
