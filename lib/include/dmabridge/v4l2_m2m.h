/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <dmabridge/constraints.h>
#include <dmabridge/plan.h>
#include <dmabridge/public.h>
#include <dmabridge/v4l2.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/* What a memory-to-memory device does, told by the formats of its two queues. */
enum class M2mRole
{
	Converter, /* raw frames in, raw frames out (a scaler, a format converter, an ISP) */
	Decoder,   /* compressed in (output queue), raw out (capture queue) */
	Encoder    /* raw in, compressed out */
};
const char *m2mRoleName(M2mRole role);

/* A frame the capture queue produced, or the marker of its last buffer. */
struct M2mFrame
{
	unsigned index = 0;
	uint32_t bytesUsed = 0;
	uint64_t timestamp = 0; /* copied from the output buffer it came from */
	bool error = false;
	unsigned generation = 0; /* of the capture buffers: see releaseCapture() */
};

/*
 * The layout of the visible part of a coded frame, without a copy: its size, and plane
 * offsets moved to the rectangle's origin (which must fall on whole chroma samples).
 */
Result<Layout> visibleLayout(const Layout &coded, const V4l2Rect &visible);

/* What one step() saw. */
struct M2mActivity
{
	std::vector<M2mFrame> frames;
	bool sourceChanged = false; /* a stateful decoder found a new resolution or format */
	bool lastBuffer = false;    /* the capture queue gave its last buffer (flag LAST) */
	bool drained = false;       /* the last buffer of a drain came out */
	bool stalled = false;       /* nothing is queued on either queue: nothing will come */
};

/*
 * One memory-to-memory device, both queues probed and planned. The output queue reads
 * what upstream gives: dma-bufs it imports, each kept on one buffer index so the kernel
 * attaches it once, or frames copied into staging buffers of its own (counted) when they
 * can't be imported. The capture queue writes into buffers planned for the consumers
 * downstream, imported (a heap's) or its own exported (MMAP + EXPBUF), and gets each back
 * when its holder releases it, from any thread.
 *
 * Streaming follows the V4L2 stateful codec interface: a decoder's capture queue is set
 * up after its first source change; drain() asks a codec to finish (V4L2_DEC_CMD_STOP,
 * V4L2_ENC_CMD_STOP) and step() reports when its last buffer came out; flush() drops what
 * is queued (a seek). Errors name the device.
 */
class V4l2M2m
{
public:
	~V4l2M2m();

	static Result<std::unique_ptr<V4l2M2m>> open(const std::string &node);
	/* By name, as V4l2Device::openByName(); the sysfs name tells vicodec's nodes apart. */
	static Result<std::unique_ptr<V4l2M2m>> openByName(const std::string &name);
	/*
	 * The first m2m device of the role; for a codec, the first whose compressed queue
	 * takes codedFormat (a V4L2 fourcc, 0: any). The error lists the m2m devices seen.
	 */
	static Result<std::unique_ptr<V4l2M2m>> find(M2mRole role, uint32_t codedFormat = 0);
	/* Every m2m video node, with its role (converter, decoder, encoder). */
	static std::vector<std::pair<std::string, M2mRole>> list();

	V4l2Device &device() { return device_; }
	std::string label() const { return device_.label(); }
	M2mRole role() const { return role_; }
	/* What each queue takes: raw formats, contiguity, IOMMU, quirks (as probe() has it). */
	const DeviceConstraints &outputConstraints() const { return output_.constraints; }
	const DeviceConstraints &captureConstraints() const { return capture_.constraints; }
	/* The compressed formats of the coded queue (V4L2 fourccs); empty for a converter. */
	const std::vector<uint32_t> &codedFormats() const { return codedFormats_; }

	/*
	 * Sets a raw queue's format; returns the layout the driver reads or writes, whose
	 * stride and lines may exceed what was asked (codecs round up to whole blocks).
	 */
	Result<Layout> setRawFormat(V4l2Direction direction, uint32_t fourcc, uint32_t width,
				    uint32_t height);
	/* Sets a compressed queue's format; its buffers hold sizeImage bytes. */
	Result<V4l2Format> setCodedFormat(V4l2Direction direction, uint32_t pixelformat,
					  uint32_t width, uint32_t height);
	/*
	 * A decoder's decoded frames after a source change: the capture layout (coded size)
	 * in the first of formats (DRM fourccs, in order of preference) that the stream's
	 * sampling allows, and the visible rectangle (VIDIOC_G_SELECTION, compose).
	 */
	Result<Layout> decodedFormat(const std::vector<uint32_t> &formats, V4l2Rect *visible);
	/* An encoder reads only the visible part of the (larger) coded frame: S_SELECTION crop. */
	Status setEncoderCrop(const V4l2Rect &visible);

	/*
	 * The constraints of a raw queue for width x height frames in the layout the driver
	 * settled on: its stride and the lines it needs become alignments, so that a plan for
	 * that size has the layout the device works on.
	 */
	DeviceConstraints constraintsFor(V4l2Direction direction, const Layout &driver,
					 uint32_t width, uint32_t height) const;

	/* The capture queue from a plan whose producer is captureConstraints(). */
	Status allocateCapture(const Plan &plan, const Layout &driver);
	/* The compressed capture queue of an encoder: its own buffers, exported. */
	Status allocateCodedCapture(unsigned count);
	/* The capture buffers by index, each a dma-buf per layout buffer. */
	const std::vector<std::vector<DmaBuf>> &captureBuffers() const { return capture_.own; }
	const Layout &captureLayout() const { return capture_.layout; }
	/* Queues every capture buffer not held elsewhere and starts the capture queue. */
	Status startCapture();
	/* A capture buffer's holder let it go (any thread): queued again unless replaced. */
	void releaseCapture(unsigned index, unsigned generation);

	/*
	 * The output queue: slots buffer indices for imported dma-bufs, and stagingCount
	 * buffers of the device's own for what must be copied (for a raw queue, when
	 * staging is a plan, from it; else the device exports them; a coded queue's are
	 * bufferSize bytes from the staging plan's heap or exported).
	 */
	Status allocateOutput(unsigned slots, unsigned stagingCount, const Plan *staging,
			      const Layout &driver, uint32_t bufferSize = 0);
	/* True when the output queue has a free slot or staging buffer for the next input. */
	bool outputFree(bool staging) const;
	/*
	 * Queues upstream's dma-bufs (kept alive by hold until the device is done). EINVAL
	 * or EFAULT when the device refused them: stage them instead.
	 */
	Status queueImported(std::span<const DmaBuf> buffers, const Layout &layout,
			     uint32_t bytesUsed, uint64_t timestamp, std::shared_ptr<void> hold);
	/*
	 * Copies into a free staging buffer and queues it: write fills the mapping (inside
	 * the sync scope, whose ioctls syncCounter counts) and returns the bytes used.
	 */
	Status queueStaged(
		const std::function<Result<uint32_t>(std::span<uint8_t>, const Layout &)> &write,
		uint64_t timestamp, SyncCounter *syncCounter);
	const Layout &outputLayout() const { return output_.layout; }
	/* The output queue's own buffers (staging, or in export mode all of them). */
	std::vector<std::vector<DmaBuf>> outputBuffers() const;

	/* Subscribes to the events a stateful codec sends (source change, end of stream). */
	Status subscribeEvents();
	/* Waits up to timeoutMs (-1: no limit) and takes what is done; ECANCELED on wakeFd. */
	Result<M2mActivity> step(int timeoutMs, int wakeFd);
	/* Asks the device to finish what it was given: step() then reports drained. */
	Status drain();
	/* Drops everything queued on both queues (a seek); streaming restarts on demand. */
	Status flush();
	/* Stops both queues and frees their buffers (a source change, or the end). */
	Status stopCapture();
	Status stop();
	bool outputStreaming() const { return output_.streaming; }
	bool captureStreaming() const { return capture_.streaming; }
	/* Buffers queued on the output queue that the device has not returned yet. */
	unsigned outputInFlight() const;

	/* Imports of upstream dma-bufs the kernel made (a new buffer on a slot). */
	uint64_t imports() const { return imports_; }

private:
	explicit V4l2M2m(V4l2Device device);
	Status startOutput();
	Result<unsigned> slotFor(BufferIdentity identity);
	Status takeOutput(M2mActivity &activity);
	Status takeCapture(M2mActivity &activity);
	Status handleEvents(M2mActivity &activity);

	struct Queue
	{
		DeviceConstraints constraints;
		V4l2Memory memory = V4l2Memory::DmaBuf;
		bool streaming = false;
		Layout layout;
		uint32_t bufferSize = 0;              /* compressed queues */
		std::vector<std::vector<DmaBuf>> own; /* buffers of ours, by index */
		std::vector<bool> queued;             /* by index: the device has it */
		std::vector<bool> held;               /* capture: downstream has it */
	};

	V4l2Device device_;
	M2mRole role_ = M2mRole::Converter;
	std::vector<uint32_t> codedFormats_;
	Queue output_, capture_;
	/* Output slots (imported buffers) come first, then staging buffers. */
	unsigned slots_ = 0;
	std::vector<BufferIdentity> bound_;          /* the dma-buf each slot last held */
	std::vector<std::shared_ptr<void>> holding_; /* what keeps a queued input alive */
	std::vector<uint64_t> lastUse_;              /* for reusing the least recent slot */
	uint64_t useClock_ = 0;
	uint64_t imports_ = 0;
	bool draining_ = false;
	bool drainByInputs_ = false; /* a codec without a drain command, drained as a converter */
	/* A converter's inputs given back minus its pictures taken: one picture an input. */
	int64_t picturesOwed_ = 0;
	unsigned generation_ = 0;
	/* Guards the capture queue against releaseCapture() from other threads. */
	mutable std::mutex lock_;
};

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
