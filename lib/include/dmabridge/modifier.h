/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * A DRM format modifier under the name drm_fourcc.h gives it, and what it means in
 * words. The table lives in lib/src/buffer/modifier_table.cpp; modifiers not in it are
 * named by their value in hex.
 */
struct ModifierInfo
{
	std::string_view name; /* "BROADCOM_SAND128" (DRM_FORMAT_MOD_ without the prefix) */
	uint64_t value;
	std::string_view layout; /* "NV12 in 128-byte wide columns" */
};

std::span<const ModifierInfo> modifierTable();
/* "BROADCOM_SAND128", or "0x0700000000000009" for a modifier the table lacks. */
std::string modifierName(uint64_t modifier);
/* By table name, or by value in hex ("0x..."); nullopt for neither or INVALID. */
std::optional<uint64_t> modifierFromName(std::string_view name);

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
