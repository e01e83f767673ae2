/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The layout of every public type, as one application sees it: compiled twice (see
 * meson.build), with the 32-bit file offsets and time_t a 32-bit machine's C library
 * gives by default and with -D_FILE_OFFSET_BITS=64 -D_TIME_BITS=64, each copy under its
 * own PROBE name. The library is built one way; an application may be built the other.
 */
#include "layout_probe.h"

#include <cstddef>
#include <ctime>
#include <sys/types.h>
#include <type_traits>

#include <dmabridge/allocator.h>
#include <dmabridge/board_profile.h>
#include <dmabridge/camera.h>
#include <dmabridge/coded_format.h>
#include <dmabridge/constraints.h>
#include <dmabridge/dmabuf.h>
#include <dmabridge/drm.h>
#include <dmabridge/egl.h>
#include <dmabridge/error.h>
#include <dmabridge/format.h>
#include <dmabridge/frame_copy.h>
#include <dmabridge/gl_converter.h>
#include <dmabridge/heap.h>
#include <dmabridge/inventory.h>
#include <dmabridge/kms.h>
#include <dmabridge/kms_plane.h>
#include <dmabridge/layout.h>
#include <dmabridge/log.h>
#include <dmabridge/modifier.h>
#include <dmabridge/plan.h>
#include <dmabridge/quirks.h>
#include <dmabridge/udmabuf.h>
#include <dmabridge/unique_fd.h>
#include <dmabridge/v4l2.h>
#include <dmabridge/v4l2_m2m.h>

using namespace dmabridge;

namespace {

/* offsetof is only defined for standard-layout types. */
template<typename T>
constexpr size_t offsetIn(size_t offset)
{
	static_assert(std::is_standard_layout_v<T>);
	return offset;
}

} /* namespace */

/* A type's size and alignment; a member's offset and size (plain structs only). */
#define TYPE(T)                                                                                    \
	LayoutEntry                                                                                \
	{                                                                                          \
#T, sizeof(T), alignof(T)                                                          \
	}
#define FIELD(T, m)                                                                                \
	LayoutEntry                                                                                \
	{                                                                                          \
#T "::" #m, offsetIn < T>(offsetof(T, m)), sizeof(T::m)                            \
	}

namespace {

/* What the flags change: the probe proves it was compiled both ways with these. */
constexpr LayoutEntry kSystemTypes[] = {
	{ "ino_t", sizeof(ino_t), alignof(ino_t) },
	{ "off_t", sizeof(off_t), alignof(off_t) },
	{ "time_t", sizeof(time_t), alignof(time_t) },
};

const LayoutEntry kPublicTypes[] = {
	TYPE(UniqueFd),
	TYPE(SharedFd),
	TYPE(Error),
	TYPE(Status),
	TYPE(BufferIdentity),
	FIELD(BufferIdentity, device),
	FIELD(BufferIdentity, inode),
	TYPE(DmaBuf),
	TYPE(CpuAccess),
	TYPE(SyncCounter),
	TYPE(Counters),
	FIELD(Counters, syncCalls),
	FIELD(Counters, eglImages),
	TYPE(Alignment),
	TYPE(PlaneLayout),
	FIELD(PlaneLayout, offset),
	FIELD(PlaneLayout, size),
	TYPE(Layout),
	FIELD(Layout, planes),
	FIELD(Layout, buffers),
	TYPE(FormatInfo),
	TYPE(ModifierInfo),
	TYPE(CodedFormat),
	TYPE(FormatModifiers),
	TYPE(DeviceConstraints),
	TYPE(HeapInfo),
	TYPE(DmaHeap),
	TYPE(AllocatedBuffers),
	TYPE(PlanRequest),
	TYPE(Plan),
	TYPE(CarriedOutPlan),
	TYPE(Planner),
	TYPE(BoardDevice),
	TYPE(BoardProfile),
	TYPE(CameraNodes),
	TYPE(InventoryDevice),
	TYPE(UnopenedNode),
	TYPE(Inventory),
	TYPE(V4l2Dequeued),
	FIELD(V4l2Dequeued, timestampNs),
	FIELD(V4l2Dequeued, error),
	TYPE(V4l2Rect),
	TYPE(V4l2Format),
	FIELD(V4l2Format, sizeImage),
	TYPE(V4l2Ready),
	TYPE(V4l2FrameSize),
	TYPE(V4l2FrameInterval),
	TYPE(V4l2Device),
	TYPE(M2mFrame),
	FIELD(M2mFrame, timestamp),
	FIELD(M2mFrame, generation),
	TYPE(M2mActivity),
	TYPE(V4l2M2m),
	TYPE(DrmPlane),
	TYPE(DrmDevice),
	TYPE(FramebufferCache),
	TYPE(KmsDisplay),
	TYPE(KmsPlane),
	TYPE(Rect),
	TYPE(PlacementRequest),
	TYPE(Placement),
	TYPE(EglDevice),
	TYPE(EglImage),
	TYPE(GlConverter),
};

} /* namespace */

std::span<const LayoutEntry> PROBE(std::span<const LayoutEntry> *systemTypes)
{
	*systemTypes = kSystemTypes;
	return kPublicTypes;
}
