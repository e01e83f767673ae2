/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Memory-to-memory devices: finding one by what it does (and, for a codec, by the
 * compressed format it reads or writes), probing both queues, and setting their formats.
 * The streaming half is in v4l2_m2m_stream.cpp.
 */
#include <algorithm>

#include <linux/videodev2.h>

#include <dmabridge/coded_format.h>
#include <dmabridge/v4l2_m2m.h>

namespace dmabridge {

namespace {

bool inTable(const std::vector<uint32_t> &coded)
{
	return std::any_of(coded.begin(), coded.end(),
			   [](uint32_t format) { return codedFormatFromV4l2(format) != nullptr; });
}

std::string codedNames(const std::vector<uint32_t> &coded)
{
	std::string text;
	for (uint32_t format : coded) {
		const CodedFormat *known = codedFormatFromV4l2(format);
		text += (text.empty() ? "" : ", ") +
			(known ? std::string(known->name) : fourccToString(format));
	}
	return text;
}

/* The smallest alignment that rounds value up to target (target itself if none does). */
uint32_t alignmentReaching(uint32_t value, uint32_t target)
{
	for (uint32_t alignment = 2; alignment <= 256; alignment *= 2)
		if ((value + alignment - 1) / alignment * alignment == target)
			return alignment;
	return target;
}

} /* namespace */

Result<Layout> visibleLayout(const Layout &coded, const V4l2Rect &visible)
{
	const FormatInfo *info = coded.format();
	if (!info)
		return Error(EINVAL, "unknown format in " + coded.describe());
	if (visible.left + visible.width > coded.width ||
	    visible.top + visible.height > coded.height || !visible.width || !visible.height)
		return Error(EINVAL, "the visible rectangle " + std::to_string(visible.width) +
					     "x" + std::to_string(visible.height) + " at " +
					     std::to_string(visible.left) + "," +
					     std::to_string(visible.top) + " is not inside " +
					     coded.describe());
	if (visible.left % info->hsub || visible.top % info->vsub)
		return Error(EINVAL, "the visible rectangle's origin " +
					     std::to_string(visible.left) + "," +
					     std::to_string(visible.top) + " splits " +
					     std::string(info->name) + "'s chroma samples");
	Layout layout = coded;
	layout.width = visible.width;
	layout.height = visible.height;
	for (unsigned p = 0; p < layout.planeCount; p++) {
		uint32_t x = p ? visible.left / info->hsub : visible.left;
		uint32_t y = p ? visible.top / info->vsub : visible.top;
		PlaneLayout &plane = layout.planes[p];
		uint64_t shift = uint64_t(y) * plane.stride + uint64_t(x) * info->bytesPerPixel[p];
		plane.offset += shift;
		plane.size -= shift;
	}
	return layout;
}

const char *m2mRoleName(M2mRole role)
{
	switch (role) {
	case M2mRole::Converter:
		return "converter";
	case M2mRole::Decoder:
		return "decoder";
	case M2mRole::Encoder:
		return "encoder";
	}
	return "?";
}

V4l2M2m::V4l2M2m(V4l2Device device) : device_(std::move(device)) {}

V4l2M2m::~V4l2M2m()
{
	(void)stop();
}

Result<std::unique_ptr<V4l2M2m>> V4l2M2m::open(const std::string &node)
{
	/* Directly: libv4l2 converts nothing for m2m queues and would only stand between. */
	Result<V4l2Device> device = V4l2Device::open(node, V4l2Access::Direct);
	if (!device)
		return device.error();
	if (!device->hasCapture() || !device->hasOutput())
		return Error(ENODEV, device->label() + " is not a memory-to-memory device (it " +
					     "lacks a capture or an output queue)");
	std::unique_ptr<V4l2M2m> m2m(new V4l2M2m(std::move(*device)));
	std::vector<uint32_t> codedIn = m2m->device_.codedFormats(V4l2Direction::Output);
	std::vector<uint32_t> codedOut = m2m->device_.codedFormats(V4l2Direction::Capture);
	if (!codedIn.empty()) {
		m2m->role_ = M2mRole::Decoder;
		m2m->codedFormats_ = codedIn;
	} else if (!codedOut.empty()) {
		m2m->role_ = M2mRole::Encoder;
		m2m->codedFormats_ = codedOut;
	}
	for (V4l2Direction direction : { V4l2Direction::Output, V4l2Direction::Capture }) {
		Result<DeviceConstraints> probed = m2m->device_.probe(direction);
		if (!probed)
			return probed.error();
		(direction == V4l2Direction::Output ? m2m->output_ : m2m->capture_).constraints =
			std::move(*probed);
	}
	return m2m;
}

Result<std::unique_ptr<V4l2M2m>> V4l2M2m::openByName(const std::string &name)
{
	Result<V4l2Device> device = V4l2Device::openByName(name, V4l2Access::Direct);
	if (!device)
		return device.error();
	return open(device->path());
}

std::vector<std::pair<std::string, M2mRole>> V4l2M2m::list()
{
	std::vector<std::pair<std::string, M2mRole>> found;
	for (const std::string &node : V4l2Device::nodes()) {
		Result<std::unique_ptr<V4l2M2m>> m2m = open(node);
		if (m2m)
			found.emplace_back(node, (*m2m)->role());
	}
	return found;
}

Result<std::unique_ptr<V4l2M2m>> V4l2M2m::find(M2mRole role, uint32_t codedFormat)
{
	std::string seen;
	for (const std::string &node : V4l2Device::nodes()) {
		Result<std::unique_ptr<V4l2M2m>> m2m = open(node);
		if (!m2m)
			continue;
		V4l2M2m &device = **m2m;
		const std::vector<uint32_t> &coded = device.codedFormats_;
		bool matches =
			device.role_ == role &&
			(role == M2mRole::Converter ||
			 (codedFormat ? std::count(coded.begin(), coded.end(), codedFormat) > 0
				      : inTable(coded)));
		if (matches)
			return m2m;
		seen += (seen.empty() ? "" : ", ") + device.label() + ": " +
			m2mRoleName(device.role_) +
			(coded.empty() ? "" : " of " + codedNames(coded));
	}
	const CodedFormat *wanted = codedFormatFromV4l2(codedFormat);
	return Error(ENODEV, std::string("no memory-to-memory ") + m2mRoleName(role) +
				     (codedFormat ? " of " + (wanted ? std::string(wanted->name)
								     : fourccToString(codedFormat))
						  : "") +
				     " (m2m devices: " + (seen.empty() ? "none" : seen) + ")");
}

Result<Layout> V4l2M2m::setRawFormat(V4l2Direction direction, uint32_t fourcc, uint32_t width,
				     uint32_t height)
{
	Result<Layout> asked = computeLayout(fourcc, width, height);
	if (!asked)
		return asked.error();
	Result<Layout> set = device_.setFormat(direction, *asked, true);
	if (set)
		(direction == V4l2Direction::Output ? output_ : capture_).layout = *set;
	return set;
}

Result<V4l2Format> V4l2M2m::setCodedFormat(V4l2Direction direction, uint32_t pixelformat,
					   uint32_t width, uint32_t height)
{
	Result<V4l2Format> set = device_.setCodedFormat(direction, pixelformat, width, height);
	if (set)
		(direction == V4l2Direction::Output ? output_ : capture_).bufferSize =
			set->sizeImage;
	return set;
}

Result<Layout> V4l2M2m::decodedFormat(const std::vector<uint32_t> &formats, V4l2Rect *visible)
{
	Result<V4l2Format> current = device_.format(V4l2Direction::Capture);
	if (!current)
		return current.error();
	const FormatInfo *chosen = formatFromV4l2(current->pixelformat);
	/*
	 * The driver picked a format the stream's sampling allows. Another one must sample
	 * the same way (a codec can't make 4:4:4 from a 4:2:0 stream): vicodec accepts any
	 * format here and then reports the mismatch as another source change, forever.
	 */
	auto sameSampling = [&](const FormatInfo &info) {
		return !chosen || (info.yuv == chosen->yuv && info.hsub == chosen->hsub &&
				   info.vsub == chosen->vsub);
	};
	auto wanted = [&](const FormatInfo *info) {
		return info && std::count(formats.begin(), formats.end(), info->drm) &&
		       capture_.constraints.acceptsFormat(info->drm);
	};
	if (!wanted(chosen)) {
		const FormatInfo *other = nullptr;
		for (uint32_t fourcc : formats) {
			const FormatInfo *info = formatFromDrm(fourcc);
			if (wanted(info) && sameSampling(*info) && info->v4l2) {
				other = info;
				break;
			}
		}
		if (!other)
			return Error(EINVAL, label() + " decodes this stream to " +
						     fourccToString(current->pixelformat) +
						     ", which downstream does not take");
		chosen = other;
	}
	Result<Layout> layout = computeLayout(chosen->drm, current->width, current->height);
	if (!layout)
		return layout.error();
	Result<Layout> set = device_.setFormat(V4l2Direction::Capture, *layout);
	if (!set)
		return set.error();
	capture_.layout = *set;
	Result<V4l2Rect> compose = device_.selection(V4l2Direction::Capture, V4L2_SEL_TGT_COMPOSE);
	/* Without the selection API the whole coded frame is the picture. */
	*visible = compose && compose->width && compose->height
			   ? *compose
			   : V4l2Rect{ 0, 0, set->width, set->height };
	return set;
}

Status V4l2M2m::setEncoderCrop(const V4l2Rect &visible)
{
	Result<V4l2Rect> set =
		device_.setSelection(V4l2Direction::Output, V4L2_SEL_TGT_CROP, visible);
	if (!set)
		return set.error();
	if (!(*set == visible))
		return Error(EINVAL, label() + " encodes " + std::to_string(set->width) + "x" +
					     std::to_string(set->height) + " of the frame, not " +
					     std::to_string(visible.width) + "x" +
					     std::to_string(visible.height));
	return {};
}

DeviceConstraints V4l2M2m::constraintsFor(V4l2Direction direction, const Layout &driver,
					  uint32_t width, uint32_t height) const
{
	DeviceConstraints queue =
		direction == V4l2Direction::Output ? output_.constraints : capture_.constraints;
	const FormatInfo *info = driver.format();
	if (!info || driver.planeCount == 0 || !driver.planes[0].stride)
		return queue;
	Alignment &alignment = queue.alignment.value;
	std::string why;
	if (driver.planes[0].stride > width * info->bytesPerPixel[0]) {
		alignment.stride = std::max(alignment.stride, driver.planes[0].stride);
		why = std::to_string(driver.planes[0].stride) + "-byte lines";
	}
	uint32_t lines = uint32_t(driver.planes[0].size / driver.planes[0].stride);
	if (lines > height) {
		alignment.height = std::max(alignment.height, alignmentReaching(height, lines));
		why += (why.empty() ? "" : " and ") + std::to_string(lines) + " lines";
	}
	if (!why.empty())
		queue.alignment.source = "VIDIOC_S_FMT: " + label() + " works on " + why + " for " +
					 std::to_string(width) + "x" + std::to_string(height) +
					 " frames";
	return queue;
}

} /* namespace dmabridge */
