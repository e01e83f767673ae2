/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "source_formats.h"

#include <drm_fourcc.h>

namespace dmabridge::internal {

namespace {

// clang-format off
constexpr std::array kSources = {
	SourceFormat{ DRM_FORMAT_XRGB8888, SourceKind::Rgb, false, false },
	SourceFormat{ DRM_FORMAT_ARGB8888, SourceKind::Rgb, false, false },
	SourceFormat{ DRM_FORMAT_XBGR8888, SourceKind::Rgb, false, false },
	SourceFormat{ DRM_FORMAT_ABGR8888, SourceKind::Rgb, false, false },
	SourceFormat{ DRM_FORMAT_RGB565, SourceKind::Rgb, false, false },
	SourceFormat{ DRM_FORMAT_NV12, SourceKind::SemiPlanar, false, false },
	SourceFormat{ DRM_FORMAT_NV21, SourceKind::SemiPlanar, true, false },
	SourceFormat{ DRM_FORMAT_NV16, SourceKind::SemiPlanar, false, false },
	SourceFormat{ DRM_FORMAT_YUV420, SourceKind::Planar, false, false },
	SourceFormat{ DRM_FORMAT_YVU420, SourceKind::Planar, true, false },
	SourceFormat{ DRM_FORMAT_YUYV, SourceKind::Packed422, false, true },
	SourceFormat{ DRM_FORMAT_UYVY, SourceKind::Packed422, false, false },
};
// clang-format on

} /* namespace */

const SourceFormat *sourceFormat(uint32_t fourcc)
{
	for (const SourceFormat &format : kSources)
		if (format.fourcc == fourcc)
			return &format;
	return nullptr;
}

unsigned samplePlanes(SourceKind kind)
{
	switch (kind) {
	case SourceKind::SemiPlanar:
		return 2;
	case SourceKind::Planar:
		return 3;
	case SourceKind::Rgb:
	case SourceKind::Packed422:
		break;
	}
	return 1;
}

uint32_t planeFourcc(SourceKind kind, unsigned plane, uint32_t fourcc)
{
	switch (kind) {
	case SourceKind::Rgb:
		return fourcc;
	case SourceKind::SemiPlanar:
		return plane == 0 ? DRM_FORMAT_R8 : DRM_FORMAT_GR88;
	case SourceKind::Planar:
		return DRM_FORMAT_R8;
	case SourceKind::Packed422:
		return DRM_FORMAT_ABGR8888;
	}
	return fourcc;
}

std::array<float, 9> yuvMatrix(YuvEncoding encoding)
{
	const float kr = encoding == YuvEncoding::Bt709 ? 0.2126f : 0.299f;
	const float kb = encoding == YuvEncoding::Bt709 ? 0.0722f : 0.114f;
	const float kg = 1.0f - kr - kb;
	const float ys = 255.0f / 219.0f, cs = 255.0f / 224.0f;
	const float rv = 2.0f * (1.0f - kr) * cs;
	const float bu = 2.0f * (1.0f - kb) * cs;
	const float gu = -bu * kb / kg, gv = -rv * kr / kg;
	return { ys, ys, ys, 0.0f, gu, bu, rv, gv, 0.0f };
}

} /* namespace dmabridge::internal */

namespace dmabridge {

bool GpuConverter::canRead(uint32_t fourcc)
{
	return internal::sourceFormat(fourcc) != nullptr;
}

bool GpuConverter::canWrite(uint32_t fourcc)
{
	const internal::SourceFormat *format = internal::sourceFormat(fourcc);
	return format && format->kind == internal::SourceKind::Rgb;
}

} /* namespace dmabridge */
