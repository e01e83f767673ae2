/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Opening a V4L2 device, knowing what it is and what its queues accept. Devices are
 * opened through libv4l2 with format conversion off: no hidden CPU conversion ever stands
 * between a driver and a dma-buf.
 */
#include <algorithm>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <libv4l2.h>
#include <sys/ioctl.h>

#include <linux/videodev2.h>

#include <dmabridge/modifier.h>
#include <dmabridge/quirks.h>
#include <dmabridge/v4l2.h>

#include "../internal/directory.h"
#include "../internal/ioctl.h"
#include "contiguity.h"
#include "node_access.h"
#include "sysfs.h"

namespace dmabridge {

namespace {

constexpr uint32_t kCaptureCaps = V4L2_CAP_VIDEO_CAPTURE | V4L2_CAP_VIDEO_CAPTURE_MPLANE |
				  V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE;
constexpr uint32_t kOutputCaps = V4L2_CAP_VIDEO_OUTPUT | V4L2_CAP_VIDEO_OUTPUT_MPLANE |
				 V4L2_CAP_VIDEO_M2M | V4L2_CAP_VIDEO_M2M_MPLANE;
constexpr uint32_t kMultiPlanarCaps =
	V4L2_CAP_VIDEO_CAPTURE_MPLANE | V4L2_CAP_VIDEO_OUTPUT_MPLANE | V4L2_CAP_VIDEO_M2M_MPLANE;

std::string text(const __u8 *field)
{
	return reinterpret_cast<const char *>(field);
}

std::string hex(uint32_t value)
{
	char buffer[16];
	std::snprintf(buffer, sizeof(buffer), "0x%x", value);
	return buffer;
}

} /* namespace */

V4l2Device::~V4l2Device()
{
	if (fd_.isValid() && access_ == V4l2Access::Libv4l2)
		v4l2_close(fd_.release());
}

std::vector<std::string> V4l2Device::nodes()
{
	std::vector<std::string> paths;
	internal::forEachEntry("/dev", [&](const std::filesystem::directory_entry &entry) {
		std::string name = entry.path().filename().string();
		if (name.rfind("video", 0) == 0)
			paths.push_back(entry.path().string());
	});
	std::sort(paths.begin(), paths.end(), [](const std::string &a, const std::string &b) {
		return a.size() != b.size() ? a.size() < b.size() : a < b;
	});
	return paths;
}

Result<V4l2Device> V4l2Device::open(const std::string &path, V4l2Access access)
{
	V4l2Device device;
	device.path_ = path;
	device.access_ = access;
	int raw = ::open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (raw < 0) {
		int err = errno;
		return Error::fromErrno(
			err, "cannot open V4L2 device " + path +
				     (err == EACCES ? internal::permissionHint(path, true) : ""));
	}
	device.fd_ = UniqueFd(raw);

	struct v4l2_capability caps = {};
	if (::ioctl(raw, VIDIOC_QUERYCAP, &caps) < 0)
		return device.fail(errno, "VIDIOC_QUERYCAP (is it a V4L2 video node?)");
	device.caps_ =
		(caps.capabilities & V4L2_CAP_DEVICE_CAPS) ? caps.device_caps : caps.capabilities;
	device.multiPlanar_ = device.caps_ & kMultiPlanarCaps;
	if (access == V4l2Access::Libv4l2 && device.multiPlanar_) {
		device.access_ = V4l2Access::Direct;
		device.accessNote_ = "multi-planar: opened directly, as libv4l2's mplane plugin "
				     "would hide buffers per plane";
	}
	/* libv4l2 takes the fd over (v4l2_close releases its state and the fd). */
	if (device.access_ == V4l2Access::Libv4l2 &&
	    v4l2_fd_open(raw, V4L2_DISABLE_CONVERSION) < 0) {
		int err = errno;
		return Error::fromErrno(err, "libv4l2 could not take " + path);
	}

	device.driver_ = text(caps.driver);
	device.card_ = text(caps.card);
	std::string bus = text(caps.bus_info);
	device.name_ = bus.rfind("platform:", 0) == 0 ? bus.substr(9) : device.card_;
	return device;
}

Result<V4l2Device> V4l2Device::openByName(const std::string &name, V4l2Access access)
{
	/* Scanned directly: libv4l2 would set up (and complain about) every node. */
	std::string found;
	for (const std::string &path : nodes()) {
		Result<V4l2Device> device = open(path, V4l2Access::Direct);
		if (!device)
			continue;
		if (device->name_ == name || device->card_ == name ||
		    internal::v4l2NodeName(path) == name)
			return access == V4l2Access::Direct ? std::move(device)
							    : open(path, access);
		found += (found.empty() ? "" : ", ") + device->label();
	}
	return Error(ENODEV, "no V4L2 device named '" + name +
				     "' (found: " + (found.empty() ? "none" : found) + ")");
}

bool V4l2Device::hasCapture() const
{
	return caps_ & kCaptureCaps;
}

bool V4l2Device::hasOutput() const
{
	return caps_ & kOutputCaps;
}

uint32_t V4l2Device::bufferType(V4l2Direction direction) const
{
	if (direction == V4l2Direction::Capture)
		return multiPlanar_ ? V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE
				    : V4L2_BUF_TYPE_VIDEO_CAPTURE;
	return multiPlanar_ ? V4L2_BUF_TYPE_VIDEO_OUTPUT_MPLANE : V4L2_BUF_TYPE_VIDEO_OUTPUT;
}

int V4l2Device::ioctl(unsigned long request, void *arg) const
{
	int ret;
	do {
		ret = access_ == V4l2Access::Libv4l2 ? v4l2_ioctl(fd_.get(), request, arg)
						     : ::ioctl(fd_.get(), request, arg);
	} while (ret == -1 && errno == EINTR);
	return ret;
}

Error V4l2Device::fail(int err, const std::string &what) const
{
	return Error::fromErrno(err, label() + ": " + what);
}

Result<DeviceConstraints> V4l2Device::probe(V4l2Direction direction)
{
	bool capture = direction == V4l2Direction::Capture;
	if (capture ? !hasCapture() : !hasOutput())
		return Error(ENOTSUP,
			     label() + " has no " + (capture ? "capture" : "output") + " queue");

	DeviceConstraints device;
	device.name = name_;
	device.node = path_;
	device.role = capture ? "V4L2 capture" : "V4L2 output";
	device.driver = driver_;

	struct v4l2_fmtdesc desc = {};
	desc.type = bufferType(direction);
	for (desc.index = 0; ioctl(VIDIOC_ENUM_FMT, &desc) == 0; desc.index++) {
		const FormatInfo *info = formatFromV4l2(desc.pixelformat);
		if (!info || device.acceptsFormat(info->drm))
			continue;
		device.formats.push_back({ info->drm, {} });
	}

	/* REQBUFS with count 0 frees nothing and reports what the queue can take. */
	struct v4l2_requestbuffers request = {};
	request.type = bufferType(direction);
	request.memory = V4L2_MEMORY_DMABUF;
	request.count = 0;
	if (ioctl(VIDIOC_REQBUFS, &request) < 0)
		return fail(errno, "VIDIOC_REQBUFS(0) to read the queue's capabilities");
	uint32_t bufCaps = request.capabilities;
	device.canImport = bufCaps & V4L2_BUF_CAP_SUPPORTS_DMABUF;
	device.canExport = bufCaps & V4L2_BUF_CAP_SUPPORTS_MMAP;
	device.contiguous = internal::v4l2Contiguity(bufCaps);
	device.exportsContiguous = device.contiguous;
	device.iommu = internal::iommuOf(internal::sysfsDeviceOf("video4linux", path_));
	device.coherent = { false, "V4L2 reports no coherency: CPU access syncs" };
	applyQuirks(device);
	applyScatterGatherOverride(device);
	return device;
}

Result<Layout> V4l2Device::setFormat(V4l2Direction direction, const Layout &layout, bool orLarger)
{
	const FormatInfo *info = layout.format();
	if (!info)
		return Error(EINVAL, label() + ": unknown format " + fourccToString(layout.fourcc));
	/* V4L2 names tiled layouts as pixel formats of their own, none of which we map. */
	if (layout.modifier != kModifierLinear)
		return Error(EINVAL, label() + " takes " + std::string(info->name) +
					     " in linear lines only, not as " +
					     modifierName(layout.modifier));
	bool bufferPerPlane = layout.buffers > 1;
	if (bufferPerPlane && (!multiPlanar_ || !info->v4l2Multi))
		return Error(EINVAL, label() + ": " + std::string(info->name) +
					     " with a buffer per plane needs the multi-planar API");
	uint32_t pixelformat = bufferPerPlane ? info->v4l2Multi : info->v4l2;
	if (!pixelformat)
		return Error(EINVAL, label() + ": " + std::string(info->name) +
					     " has no V4L2 single-buffer variant");

	struct v4l2_format format = {};
	format.type = bufferType(direction);
	if (multiPlanar_) {
		auto &mp = format.fmt.pix_mp;
		mp.width = layout.width;
		mp.height = layout.height;
		mp.pixelformat = pixelformat;
		mp.field = V4L2_FIELD_NONE;
		mp.num_planes = layout.buffers;
		for (unsigned b = 0; b < layout.buffers; b++) {
			const PlaneLayout &plane = layout.planes[bufferPerPlane ? b : 0];
			mp.plane_fmt[b].bytesperline = plane.stride;
			mp.plane_fmt[b].sizeimage = uint32_t(layout.bufferSize(b));
		}
	} else {
		auto &pix = format.fmt.pix;
		pix.width = layout.width;
		pix.height = layout.height;
		pix.pixelformat = pixelformat;
		pix.field = V4L2_FIELD_NONE;
		pix.bytesperline = layout.planes[0].stride;
		pix.sizeimage = uint32_t(layout.bufferSize(0));
	}
	if (ioctl(VIDIOC_S_FMT, &format) < 0)
		return fail(errno, "VIDIOC_S_FMT " + std::string(info->name) + " " +
					   std::to_string(layout.width) + "x" +
					   std::to_string(layout.height));

	uint32_t gotFormat =
		multiPlanar_ ? format.fmt.pix_mp.pixelformat : format.fmt.pix.pixelformat;
	uint32_t width = multiPlanar_ ? format.fmt.pix_mp.width : format.fmt.pix.width;
	uint32_t height = multiPlanar_ ? format.fmt.pix_mp.height : format.fmt.pix.height;
	uint32_t stride = multiPlanar_ ? format.fmt.pix_mp.plane_fmt[0].bytesperline
				       : format.fmt.pix.bytesperline;
	if (gotFormat != pixelformat)
		return Error(EINVAL, label() + " does not take " + std::string(info->name) +
					     " (it chose " + fourccToString(gotFormat) + ")");
	bool larger = orLarger && width >= layout.width && height >= layout.height;
	if ((width != layout.width || height != layout.height) && !larger)
		return Error(EINVAL, label() + " does not take " + std::to_string(layout.width) +
					     "x" + std::to_string(layout.height) + " (it chose " +
					     std::to_string(width) + "x" + std::to_string(height) +
					     ")");
	planesPerBuffer_[direction == V4l2Direction::Capture ? 0 : 1] = layout.buffers;
	return layoutFromStride(layout.fourcc, width, height, stride, bufferPerPlane);
}

std::vector<V4l2FrameSize> V4l2Device::frameSizes(V4l2Direction direction, uint32_t fourcc) const
{
	std::vector<V4l2FrameSize> sizes;
	const FormatInfo *info = formatFromDrm(fourcc);
	if (!info)
		return sizes;
	(void)direction; /* ENUM_FRAMESIZES has no buffer type: it is per pixel format */
	struct v4l2_frmsizeenum size = {};
	size.pixel_format = info->v4l2;
	for (size.index = 0; ioctl(VIDIOC_ENUM_FRAMESIZES, &size) == 0; size.index++) {
		if (size.type == V4L2_FRMSIZE_TYPE_DISCRETE) {
			sizes.push_back({ size.discrete.width, size.discrete.width, 1,
					  size.discrete.height, size.discrete.height, 1 });
			continue;
		}
		const auto &w = size.stepwise;
		sizes.push_back({ w.min_width, w.max_width, std::max(w.step_width, 1u),
				  w.min_height, w.max_height, std::max(w.step_height, 1u) });
		break;
	}
	return sizes;
}

std::vector<V4l2FrameInterval> V4l2Device::frameIntervals(uint32_t fourcc, uint32_t width,
							  uint32_t height) const
{
	std::vector<V4l2FrameInterval> intervals;
	const FormatInfo *info = formatFromDrm(fourcc);
	if (!info)
		return intervals;
	struct v4l2_frmivalenum interval = {};
	interval.pixel_format = info->v4l2;
	interval.width = width;
	interval.height = height;
	for (interval.index = 0; ioctl(VIDIOC_ENUM_FRAMEINTERVALS, &interval) == 0;
	     interval.index++) {
		if (interval.type == V4L2_FRMIVAL_TYPE_DISCRETE) {
			const struct v4l2_fract &d = interval.discrete;
			if (d.numerator && d.denominator)
				intervals.push_back(
					{ d.numerator, d.denominator, d.numerator, d.denominator });
			continue;
		}
		const auto &range = interval.stepwise;
		intervals.push_back({ range.min.numerator, range.min.denominator,
				      range.max.numerator, range.max.denominator });
		break;
	}
	return intervals;
}

std::pair<uint32_t, uint32_t> V4l2Device::frameInterval(V4l2Direction direction) const
{
	struct v4l2_streamparm parm = {};
	parm.type = bufferType(direction);
	if (ioctl(VIDIOC_G_PARM, &parm) < 0)
		return { 0, 1 };
	const struct v4l2_fract &interval = direction == V4l2Direction::Capture
						    ? parm.parm.capture.timeperframe
						    : parm.parm.output.timeperframe;
	if (!interval.denominator)
		return { 0, 1 };
	return { interval.numerator, interval.denominator };
}

Result<std::pair<uint32_t, uint32_t>>
V4l2Device::setFrameInterval(V4l2Direction direction, uint32_t numerator, uint32_t denominator)
{
	struct v4l2_streamparm parm = {};
	parm.type = bufferType(direction);
	struct v4l2_fract &interval = direction == V4l2Direction::Capture
					      ? parm.parm.capture.timeperframe
					      : parm.parm.output.timeperframe;
	interval = { numerator, denominator };
	if (ioctl(VIDIOC_S_PARM, &parm) < 0)
		return fail(errno, "VIDIOC_S_PARM " + std::to_string(numerator) + "/" +
					   std::to_string(denominator) + " s per frame");
	return std::pair{ interval.numerator, interval.denominator };
}

Result<Layout> V4l2Device::currentFormat(V4l2Direction direction) const
{
	struct v4l2_format format = {};
	format.type = bufferType(direction);
	if (ioctl(VIDIOC_G_FMT, &format) < 0)
		return fail(errno, "VIDIOC_G_FMT");
	bool multi = false;
	uint32_t pixelformat =
		multiPlanar_ ? format.fmt.pix_mp.pixelformat : format.fmt.pix.pixelformat;
	const FormatInfo *info = formatFromV4l2(pixelformat, &multi);
	if (!info)
		return Error(ENOTSUP, label() + ": current format " + fourccToString(pixelformat) +
					      " is not in the format table");
	if (multiPlanar_)
		return layoutFromStride(info->drm, format.fmt.pix_mp.width,
					format.fmt.pix_mp.height,
					format.fmt.pix_mp.plane_fmt[0].bytesperline, multi);
	return layoutFromStride(info->drm, format.fmt.pix.width, format.fmt.pix.height,
				format.fmt.pix.bytesperline);
}

Status V4l2Device::setControl(uint32_t id, int32_t value)
{
	struct v4l2_control control = { id, value };
	if (ioctl(VIDIOC_S_CTRL, &control) < 0)
		return fail(errno, "VIDIOC_S_CTRL " + hex(id) + " = " + std::to_string(value));
	return {};
}

} /* namespace dmabridge */
