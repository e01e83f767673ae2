/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstddef>
#include <span>

/* One public type's size and alignment, or one member's offset and size. */
struct LayoutEntry
{
	const char *name;
	size_t first;  /* size of a type, offset of a member */
	size_t second; /* alignment of a type, size of a member */
};

/* The public types as an application built with default file offsets and time_t sees them. */
std::span<const LayoutEntry> layoutWithDefaultFlags(std::span<const LayoutEntry> *systemTypes);
/* ... and as one built with -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64 sees them. */
std::span<const LayoutEntry> layoutWith64BitFlags(std::span<const LayoutEntry> *systemTypes);
