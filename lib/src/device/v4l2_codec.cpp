/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What memory-to-memory codecs need of a V4L2 device beyond a camera's: compressed
 * formats, the selection rectangles (a decoder's visible area, an encoder's crop), events
 * (a stateful decoder's source change) and the drain commands.
 */
#include <linux/videodev2.h>

#include <dmabridge/coded_format.h>
#include <dmabridge/v4l2.h>

namespace dmabridge {

namespace {

const char *directionName(V4l2Direction direction)
{
	return direction == V4l2Direction::Capture ? "capture" : "output";
}

std::string codedName(uint32_t pixelformat)
{
	const CodedFormat *coded = codedFormatFromV4l2(pixelformat);
	return coded ? std::string(coded->name) : fourccToString(pixelformat);
}

} /* namespace */

std::vector<uint32_t> V4l2Device::codedFormats(V4l2Direction direction) const
{
	std::vector<uint32_t> coded;
	struct v4l2_fmtdesc desc = {};
	desc.type = bufferType(direction);
	for (desc.index = 0; ioctl(VIDIOC_ENUM_FMT, &desc) == 0; desc.index++)
		if (desc.flags & V4L2_FMT_FLAG_COMPRESSED)
			coded.push_back(desc.pixelformat);
	return coded;
}

Result<V4l2Format> V4l2Device::format(V4l2Direction direction) const
{
	struct v4l2_format format = {};
	format.type = bufferType(direction);
	if (ioctl(VIDIOC_G_FMT, &format) < 0)
		return fail(errno, std::string("VIDIOC_G_FMT of the ") + directionName(direction) +
					   " queue");
	if (multiPlanar_) {
		const auto &mp = format.fmt.pix_mp;
		return V4l2Format{ mp.pixelformat, mp.width, mp.height,
				   mp.plane_fmt[0].bytesperline, mp.plane_fmt[0].sizeimage };
	}
	const auto &pix = format.fmt.pix;
	return V4l2Format{ pix.pixelformat, pix.width, pix.height, pix.bytesperline,
			   pix.sizeimage };
}

Result<V4l2Format> V4l2Device::setCodedFormat(V4l2Direction direction, uint32_t pixelformat,
					      uint32_t width, uint32_t height, uint32_t bufferSize)
{
	struct v4l2_format format = {};
	format.type = bufferType(direction);
	if (multiPlanar_) {
		auto &mp = format.fmt.pix_mp;
		mp.pixelformat = pixelformat;
		mp.width = width;
		mp.height = height;
		mp.field = V4L2_FIELD_NONE;
		mp.num_planes = 1;
		mp.plane_fmt[0].sizeimage = bufferSize;
	} else {
		auto &pix = format.fmt.pix;
		pix.pixelformat = pixelformat;
		pix.width = width;
		pix.height = height;
		pix.field = V4L2_FIELD_NONE;
		pix.sizeimage = bufferSize;
	}
	std::string what = "VIDIOC_S_FMT " + codedName(pixelformat) + " " + std::to_string(width) +
			   "x" + std::to_string(height) + " on the " + directionName(direction) +
			   " queue";
	if (ioctl(VIDIOC_S_FMT, &format) < 0)
		return fail(errno, what);
	planesPerBuffer_[direction == V4l2Direction::Capture ? 0 : 1] = 1;
	Result<V4l2Format> set = this->format(direction);
	if (set && set->pixelformat != pixelformat)
		return Error(EINVAL, label() + " does not take " + codedName(pixelformat) +
					     " on its " + directionName(direction) +
					     " queue (it chose " + codedName(set->pixelformat) +
					     ")");
	return set;
}

Result<V4l2Rect> V4l2Device::selection(V4l2Direction direction, uint32_t target) const
{
	struct v4l2_selection selection = {};
	/* The selection API takes the single-planar types for both APIs. */
	selection.type = direction == V4l2Direction::Capture ? V4L2_BUF_TYPE_VIDEO_CAPTURE
							     : V4L2_BUF_TYPE_VIDEO_OUTPUT;
	selection.target = target;
	if (ioctl(VIDIOC_G_SELECTION, &selection) < 0)
		return fail(errno, "VIDIOC_G_SELECTION target " + std::to_string(target) +
					   " of the " + directionName(direction) + " queue");
	const auto &r = selection.r;
	return V4l2Rect{ uint32_t(r.left), uint32_t(r.top), r.width, r.height };
}

Result<V4l2Rect> V4l2Device::setSelection(V4l2Direction direction, uint32_t target,
					  const V4l2Rect &rect)
{
	struct v4l2_selection selection = {};
	selection.type = direction == V4l2Direction::Capture ? V4L2_BUF_TYPE_VIDEO_CAPTURE
							     : V4L2_BUF_TYPE_VIDEO_OUTPUT;
	selection.target = target;
	selection.r = { int32_t(rect.left), int32_t(rect.top), rect.width, rect.height };
	if (ioctl(VIDIOC_S_SELECTION, &selection) < 0)
		return fail(errno, "VIDIOC_S_SELECTION " + std::to_string(rect.width) + "x" +
					   std::to_string(rect.height) + " on the " +
					   directionName(direction) + " queue");
	const auto &r = selection.r;
	return V4l2Rect{ uint32_t(r.left), uint32_t(r.top), r.width, r.height };
}

Status V4l2Device::subscribeEvent(uint32_t type)
{
	struct v4l2_event_subscription subscription = {};
	subscription.type = type;
	if (ioctl(VIDIOC_SUBSCRIBE_EVENT, &subscription) < 0)
		return fail(errno, "VIDIOC_SUBSCRIBE_EVENT " + std::to_string(type));
	return {};
}

Result<V4l2Event> V4l2Device::dequeueEvent()
{
	struct v4l2_event event = {};
	if (ioctl(VIDIOC_DQEVENT, &event) < 0) {
		if (errno == ENOENT)
			return V4l2Event::None;
		return fail(errno, "VIDIOC_DQEVENT");
	}
	switch (event.type) {
	case V4L2_EVENT_SOURCE_CHANGE:
		return V4l2Event::SourceChange;
	case V4L2_EVENT_EOS:
		return V4l2Event::EndOfStream;
	default:
		return V4l2Event::Other;
	}
}

Status V4l2Device::decoderCommand(uint32_t command)
{
	struct v4l2_decoder_cmd cmd = {};
	cmd.cmd = command;
	if (ioctl(VIDIOC_DECODER_CMD, &cmd) < 0)
		return fail(errno, "VIDIOC_DECODER_CMD " + std::to_string(command));
	return {};
}

Status V4l2Device::encoderCommand(uint32_t command)
{
	struct v4l2_encoder_cmd cmd = {};
	cmd.cmd = command;
	if (ioctl(VIDIOC_ENCODER_CMD, &cmd) < 0)
		return fail(errno, "VIDIOC_ENCODER_CMD " + std::to_string(command));
	return {};
}

} /* namespace dmabridge */
