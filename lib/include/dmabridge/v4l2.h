/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <dmabridge/constraints.h>
#include <dmabridge/dmabuf.h>
#include <dmabridge/error.h>
#include <dmabridge/layout.h>
#include <dmabridge/public.h>
#include <dmabridge/unique_fd.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/* Which queue of a V4L2 device: capture (device writes) or output (device reads, m2m). */
enum class V4l2Direction
{
	Capture,
	Output
};

/*
 * How the device is reached: through libv4l2 with its conversion off (the default), or
 * directly. Multi-planar devices are always opened directly: libv4l2's mplane plugin
 * would present them through the single-planar API, which can't express a buffer per
 * plane (NV12M), and in libv4l 1.22 it fails to open some (vivid's) altogether.
 */
enum class V4l2Access
{
	Libv4l2,
	Direct
};

/* How a queue's buffers are backed. */
enum class V4l2Memory
{
	Mmap,
	DmaBuf
};

struct V4l2Dequeued
{
	unsigned index = 0;
	uint32_t bytesUsed = 0; /* of the first plane */
	uint32_t sequence = 0;
	/* When the driver captured it (its clock, usually monotonic); an m2m device copies it
	 * from the output buffer the frame came from. */
	uint64_t timestampNs = 0;
	bool error = false; /* V4L2_BUF_FLAG_ERROR: the contents are not a good frame */
	/* V4L2_BUF_FLAG_LAST: a codec's last buffer before a drain or a resolution change. */
	bool last = false;
};

/* A rectangle of a frame: a crop (what is read) or compose (what is written) selection. */
struct V4l2Rect
{
	uint32_t left = 0, top = 0, width = 0, height = 0;
	bool operator==(const V4l2Rect &) const = default;
};

/* A queue's format as the driver has it (VIDIOC_G_FMT), compressed or raw. */
struct V4l2Format
{
	uint32_t pixelformat = 0; /* V4L2_PIX_FMT_* */
	uint32_t width = 0, height = 0;
	uint32_t bytesPerLine = 0; /* of the first plane; 0 for compressed formats */
	uint32_t sizeImage = 0;    /* bytes a buffer (its first plane) must hold */
};

/* What poll() found on a device: done buffers on either queue, an event, or an error. */
struct V4l2Ready
{
	bool capture = false;
	bool output = false;
	bool event = false;
	bool error = false; /* POLLERR: neither queue is streaming with buffers queued */
};

/* The events a codec queues (VIDIOC_DQEVENT). */
enum class V4l2Event
{
	None,
	SourceChange, /* the stream's resolution or format changed (stateful decoders) */
	EndOfStream,  /* the last buffer of a drain was dequeued */
	Other
};

/* A frame size a queue takes: one size (min == max) or a range with steps. */
struct V4l2FrameSize
{
	uint32_t minWidth, maxWidth, stepWidth;
	uint32_t minHeight, maxHeight, stepHeight;
	bool discrete() const { return minWidth == maxWidth && minHeight == maxHeight; }
};

/* Seconds per frame a queue takes at one size: one interval (min == max) or a range. */
struct V4l2FrameInterval
{
	uint32_t minNumerator, minDenominator; /* the shortest interval: the fastest rate */
	uint32_t maxNumerator, maxDenominator;
	bool discrete() const
	{
		return minNumerator == maxNumerator && minDenominator == maxDenominator;
	}
};

/*
 * One V4L2 video device, opened through libv4l2 with its format conversion off. Every
 * error names the device ("vivid-001 (/dev/video8)") and what was being done.
 */
class V4l2Device
{
public:
	V4l2Device(V4l2Device &&other) noexcept = default;
	V4l2Device &operator=(V4l2Device &&other) noexcept = default;
	~V4l2Device();

	static Result<V4l2Device> open(const std::string &path,
				       V4l2Access access = V4l2Access::Libv4l2);
	/*
	 * By name: the bus_info's platform name ("vivid-001"), the card name, or the sysfs
	 * name ("vivid-001-vid-cap"); never by /dev number, which follows probe order.
	 */
	static Result<V4l2Device> openByName(const std::string &name,
					     V4l2Access access = V4l2Access::Libv4l2);
	/* Every /dev/video* node there is, sorted. */
	static std::vector<std::string> nodes();

	const std::string &path() const { return path_; }
	const std::string &name() const { return name_; }
	const std::string &driver() const { return driver_; }
	const std::string &card() const { return card_; }
	std::string label() const { return name_ + " (" + path_ + ")"; }
	bool hasCapture() const;
	bool hasOutput() const;
	bool multiPlanar() const { return multiPlanar_; }
	V4l2Access access() const { return access_; }
	/* Why the access differs from the one asked for; empty when it doesn't. */
	const std::string &accessNote() const { return accessNote_; }

	/*
	 * What the queue accepts: formats, contiguity (REQBUFS capabilities: a queue that
	 * can't take user pointers is vb2-dma-contig), IOMMU (sysfs), quirks.
	 */
	Result<DeviceConstraints> probe(V4l2Direction direction = V4l2Direction::Capture);

	/* VIDIOC_ENUM_FRAMESIZES for a format (DRM fourcc); empty when the driver lists none. */
	std::vector<V4l2FrameSize> frameSizes(V4l2Direction direction, uint32_t fourcc) const;
	/*
	 * VIDIOC_ENUM_FRAMEINTERVALS for a format (DRM fourcc) at a size, in the driver's
	 * order; empty when the driver lists none (then the rate can't be chosen).
	 */
	std::vector<V4l2FrameInterval> frameIntervals(uint32_t fourcc, uint32_t width,
						      uint32_t height) const;
	/* Seconds per frame as numerator/denominator (VIDIOC_G_PARM); 0/1 when unknown. */
	std::pair<uint32_t, uint32_t> frameInterval(V4l2Direction direction) const;
	/* VIDIOC_S_PARM: asks for seconds per frame; returns the interval the driver chose. */
	Result<std::pair<uint32_t, uint32_t>>
	setFrameInterval(V4l2Direction direction, uint32_t numerator, uint32_t denominator);
	/* The queue's current format as a layout (VIDIOC_G_FMT). */
	Result<Layout> currentFormat(V4l2Direction direction) const;

	/*
	 * Sets the format from a planned layout (fourcc, size, strides) and returns the
	 * layout the driver settled on, which may have larger strides; with orLarger, also a
	 * larger size (codecs round frames up to whole blocks).
	 */
	Result<Layout> setFormat(V4l2Direction direction, const Layout &layout,
				 bool orLarger = false);

	/* REQBUFS; returns the number of buffers granted (0 frees them). */
	Result<unsigned> requestBuffers(V4l2Direction direction, V4l2Memory memory, unsigned count);
	/*
	 * Queues buffer index backed by dma-bufs (one per layout buffer). timestamp (in
	 * microseconds) travels with it through an m2m device to the buffer it produces.
	 */
	Status queueDmaBuf(V4l2Direction direction, unsigned index, std::span<const DmaBuf> buffers,
			   const Layout &layout, uint32_t bytesUsed = 0, uint64_t timestamp = 0);
	/* Queues one dma-buf holding bytesUsed bytes of a compressed stream. */
	Status queueDmaBuf(V4l2Direction direction, unsigned index, const DmaBuf &buffer,
			   uint32_t bytesUsed, uint64_t timestamp = 0);
	Status queueMmap(V4l2Direction direction, unsigned index, uint32_t bytesUsed = 0,
			 uint64_t timestamp = 0);
	/*
	 * Waits up to timeoutMs for a buffer; ETIMEDOUT when none came, ECANCELED when wakeFd
	 * (an eventfd or pipe, optional) became readable first.
	 */
	Result<V4l2Dequeued> dequeue(V4l2Direction direction, V4l2Memory memory, int timeoutMs,
				     int wakeFd = -1);
	/*
	 * DQBUF of a buffer poll() found done: EAGAIN when there is none, EPIPE once a codec's
	 * last buffer was dequeued (until its capture queue restarts).
	 */
	Result<V4l2Dequeued> dequeueReady(V4l2Direction direction, V4l2Memory memory);
	/* Waits up to timeoutMs (-1: no limit) for either queue or an event; ECANCELED as
	 * dequeue() when wakeFd became readable. */
	Result<V4l2Ready> poll(int timeoutMs, int wakeFd = -1) const;
	/* VIDIOC_EXPBUF of every plane of an MMAP buffer, close-on-exec. */
	Result<std::vector<DmaBuf>> exportBuffer(V4l2Direction direction, unsigned index);
	Status streamOn(V4l2Direction direction);
	Status streamOff(V4l2Direction direction);

	/* The V4L2 control by id (vivid's test controls among them). */
	Status setControl(uint32_t id, int32_t value);

	/* Codecs (lib/src/device/v4l2_codec.cpp). */
	/* Compressed formats (V4L2 fourccs) the queue lists: what codecs are found by. */
	std::vector<uint32_t> codedFormats(V4l2Direction direction) const;
	/* VIDIOC_G_FMT as the driver has it, whatever the format. */
	Result<V4l2Format> format(V4l2Direction direction) const;
	/*
	 * Sets a compressed format with the frame size it is expected at (0x0: unknown, the
	 * stream will say) and returns what the driver settled on: sizeImage is the bytes a
	 * buffer must hold. bufferSize asks for larger buffers (0: the driver's choice).
	 */
	Result<V4l2Format> setCodedFormat(V4l2Direction direction, uint32_t pixelformat,
					  uint32_t width, uint32_t height, uint32_t bufferSize = 0);
	/* VIDIOC_G_SELECTION and VIDIOC_S_SELECTION (V4L2_SEL_TGT_CROP, _COMPOSE...). */
	Result<V4l2Rect> selection(V4l2Direction direction, uint32_t target) const;
	Result<V4l2Rect> setSelection(V4l2Direction direction, uint32_t target,
				      const V4l2Rect &rect);
	Status subscribeEvent(uint32_t type);
	/* The next event the device queued; None when there is none. */
	Result<V4l2Event> dequeueEvent();
	/* VIDIOC_DECODER_CMD and VIDIOC_ENCODER_CMD (V4L2_DEC_CMD_STOP, _START...). */
	Status decoderCommand(uint32_t command);
	Status encoderCommand(uint32_t command);

private:
	V4l2Device() = default;
	uint32_t bufferType(V4l2Direction direction) const;
	int ioctl(unsigned long request, void *arg) const;
	Error fail(int err, const std::string &what) const;
	/* VIDIOC_STREAMON or VIDIOC_STREAMOFF (request, named name) of a queue. */
	Status stream(V4l2Direction direction, unsigned long request, const char *name);

	UniqueFd fd_;
	V4l2Access access_ = V4l2Access::Libv4l2;
	std::string accessNote_;
	std::string path_;
	std::string name_;
	std::string driver_;
	std::string card_;
	uint32_t caps_ = 0;
	bool multiPlanar_ = false;
	unsigned planesPerBuffer_[2] = { 1, 1 };
	uint32_t bufferCaps_[2] = { 0, 0 }; /* REQBUFS capabilities, per direction */
};

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
