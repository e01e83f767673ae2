/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dma-bufs become DRM framebuffers once each: PRIME import to GEM handles, then AddFB2
 * (with modifiers where the device takes them). Keyed by inode, never by fd number.
 */
#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <dmabridge/drm.h>

#include "../internal/log.h"

namespace dmabridge {

namespace {

/* The kernel refused a buffer: said in the log too, with the device and the reason. */
Error refused(Error error)
{
	return internal::refusedImport(LogCategory::DeviceDrm, std::move(error));
}

} /* namespace */

FramebufferCache::FramebufferCache(const DrmDevice &device)
	: fd_(device.sharedFd()), label_(device.label())
{
	uint64_t modifiers = 0;
	modifiers_ = drmGetCap(fd_.get(), DRM_CAP_ADDFB2_MODIFIERS, &modifiers) == 0 && modifiers;
}

FramebufferCache::~FramebufferCache()
{
	clear();
}

void FramebufferCache::destroy(const Entry &entry)
{
	if (entry.framebuffer)
		drmModeRmFB(fd_.get(), entry.framebuffer);
	for (uint32_t handle : entry.handles)
		drmCloseBufferHandle(fd_.get(), handle);
}

void FramebufferCache::release(const BufferIdentity &identity)
{
	auto entry = entries_.find(identity);
	if (entry == entries_.end())
		return;
	destroy(entry->second);
	entries_.erase(entry);
}

void FramebufferCache::clear()
{
	for (const auto &[identity, entry] : entries_)
		destroy(entry);
	entries_.clear();
}

Result<uint32_t> FramebufferCache::framebuffer(std::span<const DmaBuf> buffers,
					       const Layout &layout)
{
	if (buffers.empty() || buffers.size() < layout.buffers)
		return Error(EINVAL, label_ + ": a framebuffer of " + layout.describe() +
					     " needs " + std::to_string(layout.buffers) +
					     " dma-bufs");
	auto cached = entries_.find(buffers[0].identity());
	if (cached != entries_.end())
		return cached->second.framebuffer;

	std::vector<uint64_t> sizes;
	for (const DmaBuf &buffer : buffers)
		sizes.push_back(buffer.size());
	if (Status valid = layout.validate(sizes); !valid)
		return Error(valid.error().code(), label_ + ": " + valid.error().message());

	if (layout.modifier != kModifierLinear && !modifiers_)
		return Error(EINVAL, label_ +
					     " takes no format modifiers (no "
					     "DRM_CAP_ADDFB2_MODIFIERS): it can't show " +
					     layout.describe());

	Entry entry;
	for (unsigned b = 0; b < layout.buffers; b++) {
		uint32_t handle = 0;
		if (drmPrimeFDToHandle(fd_.get(), buffers[b].fd().get(), &handle) < 0) {
			int err = errno;
			destroy(entry);
			return refused(Error::fromErrno(
				err, label_ + ": PRIME import of a " +
					     std::to_string(buffers[b].size()) + "-byte dma-buf" +
					     (err == EINVAL ? " (a device without IOMMU "
							      "refuses scattered pages this "
							      "way)"
							    : "")));
		}
		entry.handles.push_back(handle);
	}

	uint32_t handles[4] = {}, pitches[4] = {}, offsets[4] = {};
	uint64_t modifiers[4] = {};
	for (unsigned p = 0; p < layout.planeCount; p++) {
		handles[p] = entry.handles[layout.planes[p].buffer];
		pitches[p] = layout.planes[p].stride;
		offsets[p] = uint32_t(layout.planes[p].offset);
		modifiers[p] = layout.modifier;
	}
	int ret = modifiers_ ? drmModeAddFB2WithModifiers(fd_.get(), layout.width, layout.height,
							  layout.fourcc, handles, pitches, offsets,
							  modifiers, &entry.framebuffer,
							  DRM_MODE_FB_MODIFIERS)
			     : drmModeAddFB2(fd_.get(), layout.width, layout.height, layout.fourcc,
					     handles, pitches, offsets, &entry.framebuffer, 0);
	if (ret < 0) {
		int err = errno;
		destroy(entry);
		return refused(Error::fromErrno(
			err, label_ + ": AddFB2 of " + layout.describe() +
				     (layout.modifier != kModifierLinear && err == EINVAL
					      ? " (no plane of it lists that modifier for the "
						"format in IN_FORMATS)"
					      : "")));
	}
	imports_++;
	uint32_t id = entry.framebuffer;
	entries_.emplace(buffers[0].identity(), std::move(entry));
	return id;
}

} /* namespace dmabridge */
