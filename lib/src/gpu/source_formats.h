/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the GPU converters (GLES and Vulkan) read and how: the table of source formats and
 * the planes each is sampled as, and the YUV matrix their shaders apply. One table for
 * both, so they read the same formats the same way.
 */
#pragma once

#include <array>
#include <cstdint>

#include <dmabridge/gpu_converter.h>

namespace dmabridge::internal {

enum class SourceKind
{
	Rgb,        /* sampled whole */
	SemiPlanar, /* an R8 luma plane and a GR88 chroma plane */
	Planar,     /* three R8 planes */
	Packed422,  /* one ABGR8888 plane of half width: two pixels a texel */
};

struct SourceFormat
{
	uint32_t fourcc;
	SourceKind kind;
	bool swapChroma; /* NV21, YVU420: V before U */
	bool yFirst;     /* YUYV (Y0 U Y1 V) rather than UYVY (U Y0 V Y1) */
};

const SourceFormat *sourceFormat(uint32_t fourcc);

/* How many images a source of this kind is sampled as, and the fourcc of each. */
unsigned samplePlanes(SourceKind kind);
uint32_t planeFourcc(SourceKind kind, unsigned plane, uint32_t fourcc);

/* Limited-range YUV to RGB: rgb = matrix * (yuv - offset); column-major. */
std::array<float, 9> yuvMatrix(YuvEncoding encoding);
constexpr std::array<float, 3> kYuvOffset = { 16.0f / 255, 128.0f / 255, 128.0f / 255 };

/* The value shaders switch on: 0 RGB, 1 semi-planar, 2 planar, 3 packed 4:2:2. */
inline int shaderKind(SourceKind kind)
{
	return int(kind);
}

} /* namespace dmabridge::internal */
