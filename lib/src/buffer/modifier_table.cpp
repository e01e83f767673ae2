/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one table of DRM format modifiers the library names: linear, and the tiled and
 * compressed layouts of the boards it has profiles for (Broadcom on Raspberry Pi, ARM
 * AFBC on Rockchip, Vivante on i.MX). Values from include/uapi/drm/drm_fourcc.h.
 */
#include <array>
#include <charconv>
#include <cstdio>

#include <drm_fourcc.h>

#include <dmabridge/modifier.h>

namespace dmabridge {

namespace {

// clang-format off
constexpr std::array kModifiers = {
	ModifierInfo{ "LINEAR", DRM_FORMAT_MOD_LINEAR, "lines one after another" },
	ModifierInfo{ "BROADCOM_VC4_T_TILED", DRM_FORMAT_MOD_BROADCOM_VC4_T_TILED,
		      "VideoCore 4 T-tiles (4 KiB tiles of 1 KiB sub-tiles)" },
	ModifierInfo{ "BROADCOM_SAND64", DRM_FORMAT_MOD_BROADCOM_SAND64, "columns 64 bytes wide" },
	ModifierInfo{ "BROADCOM_SAND128", DRM_FORMAT_MOD_BROADCOM_SAND128, "columns 128 bytes wide" },
	ModifierInfo{ "BROADCOM_SAND256", DRM_FORMAT_MOD_BROADCOM_SAND256, "columns 256 bytes wide" },
	ModifierInfo{ "BROADCOM_UIF", DRM_FORMAT_MOD_BROADCOM_UIF, "V3D's unified image format tiles" },
	/* drivers/gpu/drm/rockchip/rockchip_drm_vop.c: ROCKCHIP_AFBC_MOD */
	ModifierInfo{ "ARM_AFBC_16x16_SPARSE_YTR",
		      DRM_FORMAT_MOD_ARM_AFBC(AFBC_FORMAT_MOD_BLOCK_SIZE_16x16 |
					      AFBC_FORMAT_MOD_SPARSE | AFBC_FORMAT_MOD_YTR),
		      "ARM frame-buffer compression, 16x16 blocks, sparse, YUV transform" },
	ModifierInfo{ "VIVANTE_TILED", DRM_FORMAT_MOD_VIVANTE_TILED, "Vivante 4x4 tiles" },
	ModifierInfo{ "VIVANTE_SUPER_TILED", DRM_FORMAT_MOD_VIVANTE_SUPER_TILED,
		      "Vivante 64x64 super-tiles" },
};
// clang-format on

} /* namespace */

std::span<const ModifierInfo> modifierTable()
{
	return kModifiers;
}

std::string modifierName(uint64_t modifier)
{
	for (const ModifierInfo &info : kModifiers)
		if (info.value == modifier)
			return std::string(info.name);
	char hex[24];
	std::snprintf(hex, sizeof(hex), "0x%016llx", static_cast<unsigned long long>(modifier));
	return hex;
}

std::optional<uint64_t> modifierFromName(std::string_view name)
{
	for (const ModifierInfo &info : kModifiers)
		if (info.name == name)
			return info.value;
	if (name.size() < 3 || name[0] != '0' || (name[1] != 'x' && name[1] != 'X'))
		return std::nullopt;
	uint64_t value = 0;
	auto [end, ec] = std::from_chars(name.data() + 2, name.data() + name.size(), value, 16);
	if (ec != std::errc() || end != name.data() + name.size() ||
	    value == DRM_FORMAT_MOD_INVALID)
		return std::nullopt;
	return value;
}

} /* namespace dmabridge */
