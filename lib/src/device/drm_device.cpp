/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * DRM devices: found by driver name, allocating dumb buffers exported through PRIME, and
 * probed for what their primary plane takes.
 */
#include <algorithm>
#include <fcntl.h>
#include <filesystem>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include <dmabridge/drm.h>
#include <dmabridge/quirks.h>

#include "../internal/counters.h"
#include "../internal/directory.h"
#include "contiguity.h"
#include "drm_properties.h"
#include "node_access.h"
#include "prime_probe.h"
#include "sysfs.h"

namespace dmabridge {

std::vector<std::string> DrmDevice::nodes()
{
	std::vector<std::string> paths;
	internal::forEachEntry("/dev/dri", [&](const std::filesystem::directory_entry &entry) {
		if (entry.path().filename().string().rfind("card", 0) == 0)
			paths.push_back(entry.path().string());
	});
	std::sort(paths.begin(), paths.end());
	return paths;
}

Result<DrmDevice> DrmDevice::open(const std::string &path)
{
	UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
	if (!fd) {
		int err = errno;
		return Error::fromErrno(
			err, "cannot open DRM device " + path +
				     (err == EACCES ? internal::permissionHint(path, true) : ""));
	}
	drmVersionPtr version = drmGetVersion(fd.get());
	if (!version)
		return Error::fromErrno(errno, path + " is not a DRM device");
	DrmDevice device;
	device.driver_ = std::string(version->name, version->name_len);
	drmFreeVersion(version);
	device.path_ = path;
	drmModeResPtr resources = drmModeGetResources(fd.get());
	device.modesetting_ = resources && resources->count_crtcs > 0;
	drmModeFreeResources(resources);
	device.fd_ = SharedFd(std::move(fd));
	return device;
}

Result<DrmDevice> DrmDevice::openByDriver(const std::string &driver)
{
	std::string found;
	for (const std::string &path : nodes()) {
		Result<DrmDevice> device = open(path);
		if (!device)
			continue;
		if (device->driver_ == driver)
			return device;
		found += (found.empty() ? "" : ", ") + device->label();
	}
	return Error(ENODEV, "no DRM device driven by '" + driver +
				     "' (found: " + (found.empty() ? "none" : found) + ")");
}

namespace {

/* The first card that has modesetting or not, as asked; what: the kind, for the error. */
Result<DrmDevice> openFirst(bool modesetting, const std::string &what)
{
	std::string found;
	for (const std::string &path : DrmDevice::nodes()) {
		Result<DrmDevice> device = DrmDevice::open(path);
		if (!device)
			continue;
		if (device->hasModesetting() == modesetting)
			return device;
		found += (found.empty() ? "" : ", ") + device->label();
	}
	return Error(ENODEV, "no " + what + " (found: " +
				     (found.empty() ? std::string("none") : found) + ")");
}

} /* namespace */

Result<DrmDevice> DrmDevice::openRenderDevice()
{
	return openFirst(false, "render DRM device without modesetting");
}

Result<DrmDevice> DrmDevice::openDisplayDevice()
{
	return openFirst(true, "DRM device with modesetting");
}

Result<DmaBuf> DrmDevice::allocateDumb(const Layout &layout, Layout *actual) const
{
	const FormatInfo *info = layout.format();
	if (!info)
		return Error(EINVAL, label() + ": dumb buffer of unknown format " +
					     fourccToString(layout.fourcc));
	/*
	 * Dumb buffers know lines of bytes only: planar formats become one tall buffer of
	 * 8-bit pixels, each plane's lines scaled to the luma line length.
	 */
	uint32_t bpp = info->bytesPerPixel[0] * 8;
	uint64_t lines = layout.height;
	for (unsigned p = 1; p < info->planes; p++)
		lines += uint64_t(info->planeHeight(p, layout.height)) *
			 info->planeWidth(p, layout.width) * info->bytesPerPixel[p] /
			 (uint64_t(layout.width) * info->bytesPerPixel[0]);
	if (info->planes > 1 && layout.width % info->hsub)
		lines += 1; /* odd widths round chroma lines up */

	/* Wide enough for the planned stride: the driver's pitch follows the width asked. */
	uint32_t width = std::max(layout.width, layout.planes[0].stride / info->bytesPerPixel[0]);
	uint32_t handle = 0, pitch = 0;
	uint64_t size = 0;
	if (drmModeCreateDumbBuffer(fd_.get(), width, uint32_t(lines), bpp, 0, &handle, &pitch,
				    &size) < 0)
		return Error::fromErrno(errno, label() + ": dumb buffer of " +
						       std::to_string(width) + "x" +
						       std::to_string(lines) + " at " +
						       std::to_string(bpp) + " bpp");
	internal::countAllocation();

	int prime = -1;
	int err = drmPrimeHandleToFD(fd_.get(), handle, DRM_CLOEXEC | DRM_RDWR, &prime);
	int saved = errno;
	drmModeDestroyDumbBuffer(fd_.get(), handle); /* the dma-buf keeps the memory */
	if (err < 0)
		return Error::fromErrno(saved, label() + ": PRIME export of a dumb buffer");

	Result<Layout> real = layoutFromStride(layout.fourcc, layout.width, layout.height, pitch);
	if (!real)
		return real.error();
	if (real->bufferSize(0) > size)
		return Error(ENOSPC, label() + ": dumb buffer of " + std::to_string(size) +
					     " bytes is too small for " + real->describe());
	if (actual)
		*actual = *real;
	return DmaBuf::fromFd(UniqueFd(prime));
}

Result<bool> DrmDevice::allocated(const DmaBuf &buffer) const
{
	uint32_t handle = 0;
	if (drmPrimeFDToHandle(fd_.get(), buffer.fd().get(), &handle) < 0)
		return Error::fromErrno(errno, label() + ": PRIME import to find a buffer's owner");
	struct drm_mode_map_dumb map = {};
	map.handle = handle;
	bool own = drmIoctl(fd_.get(), DRM_IOCTL_MODE_MAP_DUMB, &map) == 0;
	drmCloseBufferHandle(fd_.get(), handle);
	return own;
}

std::vector<DrmPlane> DrmDevice::planes() const
{
	return modesetting_ ? internal::listPlanes(fd_.get()) : std::vector<DrmPlane>();
}

Result<DeviceConstraints> DrmDevice::probe() const
{
	DeviceConstraints device;
	device.name = driver_;
	device.node = path_;
	device.driver = driver_;
	device.role = modesetting_ ? "KMS primary plane" : "DRM render/GEM";

	uint64_t prime = 0;
	(void)drmGetCap(fd_.get(), DRM_CAP_PRIME, &prime);
	device.canImport = prime & DRM_PRIME_CAP_IMPORT;
	device.canExport = prime & DRM_PRIME_CAP_EXPORT;
	if (device.canImport)
		device.memoryOnlyFrom = internal::foreignImportRefusal(fd_.get(), path_);

	if (modesetting_) {
		Result<internal::PlaneFormats> formats = internal::primaryPlaneFormats(fd_.get());
		if (!formats)
			return Error(formats.error().code(),
				     label() + ": " + formats.error().message());
		device.formats = std::move(formats->formats);
		device.role = "KMS primary plane " + std::to_string(formats->planeId);
	}

	device.iommu = internal::iommuOf(internal::sysfsDeviceOf("drm", path_));
	/* DRM has no UAPI for contiguity: assume the safe answer unless the table knows. */
	device.contiguous = internal::drmContiguity(device.iommu);
	device.exportsContiguous = device.contiguous;
	device.coherent = { false, "DRM reports no coherency: CPU access syncs" };
	applyQuirks(device);
	return device;
}

} /* namespace dmabridge */
