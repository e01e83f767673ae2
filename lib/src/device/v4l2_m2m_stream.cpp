/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Streaming through a memory-to-memory device: the buffers of both queues, queueing
 * what upstream gives, taking what the device did, draining and flushing.
 *
 * The capture queue's state is shared with the threads that release captured buffers,
 * under lock_; the output queue belongs to the streaming thread alone.
 */
#include <algorithm>

#include <linux/videodev2.h>

#include <dmabridge/allocator.h>
#include <dmabridge/v4l2_m2m.h>

namespace dmabridge {

namespace {

constexpr auto kCapture = V4l2Direction::Capture;
constexpr auto kOutput = V4l2Direction::Output;

} /* namespace */

Status V4l2M2m::allocateCapture(const Plan &plan, const Layout &driver)
{
	std::lock_guard<std::mutex> locker(lock_);
	if (!capture_.own.empty())
		return Error(EBUSY, label() + ": the capture queue already has buffers");
	std::vector<std::vector<DmaBuf>> buffers;
	if (plan.allocator == AllocatorKind::ProducerExport) {
		Result<unsigned> count =
			device_.requestBuffers(kCapture, V4l2Memory::Mmap, plan.bufferCount);
		if (!count)
			return count.error();
		for (unsigned i = 0; i < *count; i++) {
			Result<std::vector<DmaBuf>> exported = device_.exportBuffer(kCapture, i);
			if (!exported)
				return exported.error();
			buffers.push_back(std::move(*exported));
		}
		capture_.memory = V4l2Memory::Mmap;
	} else {
		Result<AllocatedBuffers> allocated =
			allocateBuffers(plan, capture_.constraints.name);
		if (!allocated)
			return allocated.error();
		if (allocated->layout.planes[0].stride != driver.planes[0].stride)
			return Error(EINVAL,
				     label() + " writes lines of " +
					     std::to_string(driver.planes[0].stride) +
					     " bytes where the plan has " +
					     std::to_string(allocated->layout.planes[0].stride));
		Result<unsigned> count = device_.requestBuffers(
			kCapture, V4l2Memory::DmaBuf, unsigned(allocated->buffers.size()));
		if (!count)
			return count.error();
		for (unsigned i = 0; i < *count; i++)
			buffers.push_back({ allocated->buffers[i] });
		capture_.memory = V4l2Memory::DmaBuf;
	}
	capture_.layout = driver;
	capture_.own = std::move(buffers);
	capture_.queued.assign(capture_.own.size(), false);
	capture_.held.assign(capture_.own.size(), false);
	generation_++;
	return {};
}

Status V4l2M2m::allocateCodedCapture(unsigned count)
{
	Plan exported;
	exported.allocator = AllocatorKind::ProducerExport;
	exported.bufferCount = count;
	return allocateCapture(exported, {});
}

Status V4l2M2m::startCapture()
{
	std::lock_guard<std::mutex> locker(lock_);
	for (unsigned i = 0; i < capture_.own.size(); i++) {
		if (capture_.queued[i] || capture_.held[i])
			continue;
		Status queued = capture_.memory == V4l2Memory::Mmap
					? device_.queueMmap(kCapture, i)
					: device_.queueDmaBuf(kCapture, i, capture_.own[i],
							      capture_.layout);
		if (!queued)
			return queued;
		capture_.queued[i] = true;
	}
	if (!capture_.streaming) {
		if (Status on = device_.streamOn(kCapture); !on)
			return on;
		capture_.streaming = true;
	}
	return {};
}

void V4l2M2m::releaseCapture(unsigned index, unsigned generation)
{
	std::lock_guard<std::mutex> locker(lock_);
	if (generation != generation_ || index >= capture_.own.size())
		return;
	capture_.held[index] = false;
	/* Stopped (a flush or a source change): queued again when the queue restarts. */
	if (!capture_.streaming)
		return;
	Status queued = capture_.memory == V4l2Memory::Mmap
				? device_.queueMmap(kCapture, index)
				: device_.queueDmaBuf(kCapture, index, capture_.own[index],
						      capture_.layout);
	capture_.queued[index] = queued.ok();
}

Status V4l2M2m::allocateOutput(unsigned slots, unsigned stagingCount, const Plan *staging,
			       const Layout &driver, uint32_t bufferSize)
{
	bool import = staging && staging->allocator != AllocatorKind::ProducerExport;
	std::vector<std::vector<DmaBuf>> own(import ? slots : 0);
	if (import) {
		Plan plan = *staging;
		plan.bufferCount = stagingCount;
		Result<AllocatedBuffers> allocated =
			allocateBuffers(plan, output_.constraints.name + "-staging");
		if (!allocated)
			return allocated.error();
		for (DmaBuf &buffer : allocated->buffers)
			own.push_back({ std::move(buffer) });
	}
	V4l2Memory memory = import ? V4l2Memory::DmaBuf : V4l2Memory::Mmap;
	Result<unsigned> count = device_.requestBuffers(
		kOutput, memory, import ? unsigned(own.size()) : stagingCount);
	if (!count)
		return count.error();
	for (unsigned i = 0; !import && i < *count; i++) {
		Result<std::vector<DmaBuf>> exported = device_.exportBuffer(kOutput, i);
		if (!exported)
			return exported.error();
		own.push_back(std::move(*exported));
	}
	output_.memory = memory;
	output_.layout = driver;
	output_.bufferSize = bufferSize ? bufferSize : output_.bufferSize;
	output_.own = std::move(own);
	output_.queued.assign(output_.own.size(), false);
	slots_ = import ? slots : 0;
	bound_.assign(output_.own.size(), {});
	holding_.assign(output_.own.size(), nullptr);
	lastUse_.assign(output_.own.size(), 0);
	return {};
}

bool V4l2M2m::outputFree(bool staging) const
{
	unsigned first = staging || output_.memory == V4l2Memory::Mmap ? slots_ : 0;
	unsigned end = staging ? unsigned(output_.own.size()) : slots_;
	if (output_.memory == V4l2Memory::Mmap)
		end = unsigned(output_.own.size());
	for (unsigned i = first; i < end; i++)
		if (!output_.queued[i])
			return true;
	return false;
}

std::vector<std::vector<DmaBuf>> V4l2M2m::outputBuffers() const
{
	return { output_.own.begin() + slots_, output_.own.end() };
}

unsigned V4l2M2m::outputInFlight() const
{
	return unsigned(std::count(output_.queued.begin(), output_.queued.end(), true));
}

Status V4l2M2m::startOutput()
{
	/*
	 * Streaming before the first buffer: a stateful decoder then parses each header as
	 * the buffer arrives and signals a change only when the stream's format differs.
	 */
	if (output_.streaming)
		return {};
	if (Status on = device_.streamOn(kOutput); !on)
		return on;
	output_.streaming = true;
	return {};
}

Result<unsigned> V4l2M2m::slotFor(BufferIdentity identity)
{
	/* The slot it had keeps the kernel's attachment; else the least recently used. */
	int best = -1;
	for (unsigned i = 0; i < slots_; i++) {
		if (output_.queued[i])
			continue;
		if (bound_[i] == identity)
			return i;
		if (best < 0 || lastUse_[i] < lastUse_[unsigned(best)])
			best = int(i);
	}
	if (best < 0)
		return Error(EBUSY, label() + ": every output slot is queued");
	return unsigned(best);
}

Status V4l2M2m::queueImported(std::span<const DmaBuf> buffers, const Layout &layout,
			      uint32_t bytesUsed, uint64_t timestamp, std::shared_ptr<void> hold)
{
	if (Status started = startOutput(); !started)
		return started;
	if (output_.memory == V4l2Memory::Mmap) {
		/* Export mode: upstream filled one of the device's own buffers. */
		for (unsigned i = 0; i < output_.own.size(); i++) {
			if (output_.own[i][0] != buffers[0] || output_.queued[i])
				continue;
			if (Status queued = device_.queueMmap(kOutput, i, bytesUsed, timestamp);
			    !queued)
				return queued;
			output_.queued[i] = true;
			holding_[i] = std::move(hold);
			return {};
		}
		return Error(ENOENT, label() + ": the input is not one of its output buffers");
	}
	Result<unsigned> slot = slotFor(buffers[0].identity());
	if (!slot)
		return slot.error();
	Status queued = device_.queueDmaBuf(kOutput, *slot, buffers, layout, bytesUsed, timestamp);
	if (!queued) {
		bound_[*slot] = {};
		return queued;
	}
	if (bound_[*slot] != buffers[0].identity())
		imports_++;
	bound_[*slot] = buffers[0].identity();
	lastUse_[*slot] = ++useClock_;
	output_.queued[*slot] = true;
	holding_[*slot] = std::move(hold);
	return {};
}

Status V4l2M2m::queueStaged(
	const std::function<Result<uint32_t>(std::span<uint8_t>, const Layout &)> &write,
	uint64_t timestamp, SyncCounter *syncCounter)
{
	if (Status started = startOutput(); !started)
		return started;
	unsigned index = slots_;
	while (index < output_.own.size() && output_.queued[index])
		index++;
	if (index == output_.own.size())
		return Error(EBUSY, label() + ": every staging buffer is queued");
	const DmaBuf &target = output_.own[index][0];
	Result<uint32_t> used = 0u;
	{
		CpuAccess access(target, CpuAccessMode::Write, syncCounter);
		if (!access.isValid())
			return access.error();
		used = write(access.write(), output_.layout);
	}
	if (!used)
		return used.error();
	Status queued = output_.memory == V4l2Memory::Mmap
				? device_.queueMmap(kOutput, index, *used, timestamp)
				: device_.queueDmaBuf(kOutput, index, target, *used, timestamp);
	if (!queued)
		return queued;
	output_.queued[index] = true;
	return {};
}

Status V4l2M2m::subscribeEvents()
{
	if (Status status = device_.subscribeEvent(V4L2_EVENT_EOS); !status)
		return status;
	if (role_ == M2mRole::Decoder)
		return device_.subscribeEvent(V4L2_EVENT_SOURCE_CHANGE);
	return {};
}

Status V4l2M2m::takeOutput(M2mActivity &)
{
	for (;;) {
		Result<V4l2Dequeued> done = device_.dequeueReady(kOutput, output_.memory);
		if (!done)
			return done.error().code() == EAGAIN ? Status() : Status(done.error());
		if (done->index < output_.queued.size()) {
			output_.queued[done->index] = false;
			holding_[done->index].reset();
		}
		picturesOwed_++;
	}
}

Status V4l2M2m::takeCapture(M2mActivity &activity)
{
	std::lock_guard<std::mutex> locker(lock_);
	for (;;) {
		Result<V4l2Dequeued> done = device_.dequeueReady(kCapture, capture_.memory);
		if (!done && done.error().code() == EPIPE) {
			activity.drained |= draining_;
			activity.lastBuffer = true;
			return {};
		}
		if (!done)
			return done.error().code() == EAGAIN ? Status() : Status(done.error());
		capture_.queued[done->index] = false;
		bool empty = done->bytesUsed == 0;
		if (done->last) {
			activity.drained |= draining_;
			activity.lastBuffer = true;
		}
		if (empty && done->last)
			continue; /* the marker of a drain or a source change, no picture */
		capture_.held[done->index] = true;
		picturesOwed_--;
		activity.frames.push_back({ done->index, done->bytesUsed, done->timestampNs / 1000,
					    done->error, generation_ });
	}
}

Status V4l2M2m::handleEvents(M2mActivity &activity)
{
	for (;;) {
		Result<V4l2Event> event = device_.dequeueEvent();
		if (!event)
			return event.error();
		if (*event == V4l2Event::None)
			return {};
		if (*event == V4l2Event::SourceChange)
			activity.sourceChanged = true;
	}
}

Result<M2mActivity> V4l2M2m::step(int timeoutMs, int wakeFd)
{
	Result<V4l2Ready> ready = device_.poll(timeoutMs, wakeFd);
	if (!ready)
		return ready.error();
	M2mActivity activity;
	if (ready->event)
		if (Status events = handleEvents(activity); !events)
			return events.error();
	if (ready->output)
		if (Status taken = takeOutput(activity); !taken)
			return taken.error();
	if (ready->capture)
		if (Status taken = takeCapture(activity); !taken)
			return taken.error();
	activity.stalled = ready->error && !ready->capture && !ready->output && !ready->event;
	/*
	 * A converter has no drain command: it is done when nothing is left to convert and
	 * the picture of every input has come out. vim2m gives an input back just before its
	 * picture: a poll between the two sees the input only, and the last picture would be
	 * left behind. A codec drained so has no such count (a decoder's input need not make
	 * a picture).
	 */
	if (draining_ && role_ == M2mRole::Converter && outputInFlight() == 0 &&
	    (picturesOwed_ <= 0 || drainByInputs_))
		activity.drained = true;
	if (activity.drained)
		draining_ = false;
	return activity;
}

Status V4l2M2m::drain()
{
	draining_ = true;
	if (role_ == M2mRole::Converter || !output_.streaming)
		return {};
	Status sent = role_ == M2mRole::Decoder ? device_.decoderCommand(V4L2_DEC_CMD_STOP)
						: device_.encoderCommand(V4L2_ENC_CMD_STOP);
	if (!sent && sent.error().code() == ENOTTY) {
		/* No drain command: done when the device gave back every input. */
		role_ = M2mRole::Converter;
		drainByInputs_ = true;
		return {};
	}
	return sent;
}

Status V4l2M2m::flush()
{
	draining_ = false;
	Status status;
	if (output_.streaming) {
		status = device_.streamOff(kOutput);
		output_.streaming = false;
	}
	output_.queued.assign(output_.own.size(), false);
	std::fill(holding_.begin(), holding_.end(), nullptr);
	picturesOwed_ = 0;
	std::lock_guard<std::mutex> locker(lock_);
	if (capture_.streaming) {
		Status off = device_.streamOff(kCapture);
		status = status ? off : status;
		capture_.streaming = false;
	}
	capture_.queued.assign(capture_.own.size(), false);
	return status;
}

Status V4l2M2m::stopCapture()
{
	std::lock_guard<std::mutex> locker(lock_);
	Status status;
	if (capture_.streaming)
		status = device_.streamOff(kCapture);
	capture_.streaming = false;
	if (!capture_.own.empty()) {
		capture_.own.clear();
		Result<unsigned> freed = device_.requestBuffers(kCapture, capture_.memory, 0);
		if (status && !freed)
			status = freed.error();
	}
	capture_.queued.clear();
	capture_.held.clear();
	generation_++;
	return status;
}

Status V4l2M2m::stop()
{
	Status status = flush();
	Status capture = stopCapture();
	if (!output_.own.empty()) {
		output_.own.clear();
		(void)device_.requestBuffers(kOutput, output_.memory, 0);
	}
	output_.queued.clear();
	holding_.clear();
	bound_.clear();
	slots_ = 0;
	return status ? capture : status;
}

} /* namespace dmabridge */
