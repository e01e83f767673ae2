/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A V4L2 queue's buffers: REQBUFS, QBUF of imported dma-bufs or MMAP buffers, DQBUF,
 * EXPBUF and streaming. Multi-planar queues carry one v4l2_plane per buffer of the layout.
 */
#include <cstring>
#include <fcntl.h>
#include <poll.h>

#include <linux/videodev2.h>

#include <dmabridge/modifier.h>
#include <dmabridge/v4l2.h>

#include "../internal/log.h"

namespace dmabridge {

namespace {

uint32_t memoryType(V4l2Memory memory)
{
	return memory == V4l2Memory::Mmap ? V4L2_MEMORY_MMAP : V4L2_MEMORY_DMABUF;
}

const char *directionName(V4l2Direction direction)
{
	return direction == V4l2Direction::Capture ? "capture" : "output";
}

struct timeval toTimeval(uint64_t microseconds)
{
	return { time_t(microseconds / 1000000), suseconds_t(microseconds % 1000000) };
}

} /* namespace */

Result<unsigned> V4l2Device::requestBuffers(V4l2Direction direction, V4l2Memory memory,
					    unsigned count)
{
	struct v4l2_requestbuffers request = {};
	request.type = bufferType(direction);
	request.memory = memoryType(memory);
	request.count = count;
	if (ioctl(VIDIOC_REQBUFS, &request) < 0)
		return fail(errno, std::string("VIDIOC_REQBUFS of ") + std::to_string(count) + " " +
					   (memory == V4l2Memory::Mmap ? "MMAP" : "DMABUF") + " " +
					   directionName(direction) + " buffers");
	bufferCaps_[direction == V4l2Direction::Capture ? 0 : 1] = request.capabilities;
	if (count && !request.count)
		return Error(ENOMEM,
			     label() + " granted no " + directionName(direction) + " buffers");
	return unsigned(request.count);
}

Status V4l2Device::queueDmaBuf(V4l2Direction direction, unsigned index,
			       std::span<const DmaBuf> buffers, const Layout &layout,
			       uint32_t bytesUsed, uint64_t timestamp)
{
	unsigned planes = planesPerBuffer_[direction == V4l2Direction::Capture ? 0 : 1];
	if (buffers.size() < planes)
		return Error(EINVAL, label() + ": buffer " + std::to_string(index) + " needs " +
					     std::to_string(planes) + " dma-bufs, got " +
					     std::to_string(buffers.size()));
	if (layout.modifier != kModifierLinear)
		return Error(EINVAL, label() + " takes " + fourccToString(layout.fourcc) +
					     " in linear lines only, not as " +
					     modifierName(layout.modifier));
	for (unsigned b = 0; b < planes; b++) {
		/* The device would write what the fd's owner shared for reading only. */
		if (direction == V4l2Direction::Capture &&
		    buffers[b].fdAccess() == FdAccess::ReadOnly)
			return Error(EACCES, label() + ": cannot capture into dma-buf fd " +
						     std::to_string(buffers[b].fd().get()) +
						     ", which was opened read-only");
		if (buffers[b].size() < layout.bufferSize(b))
			return Error(EINVAL,
				     label() + ": dma-buf of " + std::to_string(buffers[b].size()) +
					     " bytes is smaller than the " +
					     std::to_string(layout.bufferSize(b)) +
					     " bytes the layout needs (" + layout.describe() + ")");
	}

	/* Cleared only when used: for a single-planar queue, clearing the half kilobyte of
	 * planes would be most of a frame's work here. */
	struct v4l2_plane v4l2Planes[VIDEO_MAX_PLANES];
	struct v4l2_buffer buffer = {};
	buffer.index = index;
	buffer.type = bufferType(direction);
	buffer.memory = V4L2_MEMORY_DMABUF;
	buffer.field = V4L2_FIELD_NONE;
	buffer.timestamp = toTimeval(timestamp);
	if (multiPlanar()) {
		std::memset(v4l2Planes, 0, sizeof(v4l2Planes));
		for (unsigned b = 0; b < planes; b++) {
			v4l2Planes[b].m.fd = buffers[b].fd().get();
			v4l2Planes[b].length = uint32_t(buffers[b].size());
			v4l2Planes[b].bytesused =
				!bytesUsed ? 0
					   : (planes == 1 ? bytesUsed
							  : uint32_t(layout.bufferSize(b)));
		}
		buffer.m.planes = v4l2Planes;
		buffer.length = planes;
	} else {
		buffer.m.fd = buffers[0].fd().get();
		buffer.length = uint32_t(buffers[0].size());
		buffer.bytesused = bytesUsed;
	}

	if (ioctl(VIDIOC_QBUF, &buffer) == 0)
		return {};
	int err = errno;
	std::string what = "VIDIOC_QBUF of a " + std::to_string(buffers[0].size()) +
			   "-byte dma-buf as " + directionName(direction) + " buffer " +
			   std::to_string(index);
	/*
	 * vb2 answers EFAULT when it can't map the buffer: vb2-dma-contig (no USERPTR) when the
	 * pages aren't contiguous for the device, vb2-vmalloc when the exporter has no kernel
	 * mapping (vmap), as udmabuf in Linux 6.1.
	 */
	if (err == EFAULT && !(bufferCaps_[direction == V4l2Direction::Capture ? 0 : 1] &
			       V4L2_BUF_CAP_SUPPORTS_USERPTR))
		what += " (the device could not address it as one range: it needs physically "
			"contiguous memory, such as a CMA heap's)";
	else if (err == EFAULT)
		what += " (the queue could not map it into the kernel: its exporter offers no "
			"vmap, as udmabuf in Linux 6.1)";
	return internal::refusedImport(LogCategory::DeviceV4l2, fail(err, what));
}

Status V4l2Device::queueDmaBuf(V4l2Direction direction, unsigned index, const DmaBuf &buffer,
			       uint32_t bytesUsed, uint64_t timestamp)
{
	if (buffer.size() < bytesUsed)
		return Error(EINVAL, label() + ": " + std::to_string(bytesUsed) +
					     " bytes do not fit a dma-buf of " +
					     std::to_string(buffer.size()));
	Layout bytes;
	bytes.buffers = 1;
	return queueDmaBuf(direction, index, { &buffer, 1 }, bytes, bytesUsed, timestamp);
}

Status V4l2Device::queueMmap(V4l2Direction direction, unsigned index, uint32_t bytesUsed,
			     uint64_t timestamp)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES] = {};
	struct v4l2_buffer buffer = {};
	buffer.index = index;
	buffer.type = bufferType(direction);
	buffer.memory = V4L2_MEMORY_MMAP;
	buffer.field = V4L2_FIELD_NONE;
	buffer.bytesused = bytesUsed;
	buffer.timestamp = toTimeval(timestamp);
	if (multiPlanar()) {
		buffer.m.planes = planes;
		buffer.length = planesPerBuffer_[direction == V4l2Direction::Capture ? 0 : 1];
		planes[0].bytesused = bytesUsed;
	}
	if (ioctl(VIDIOC_QBUF, &buffer) < 0)
		return fail(errno, std::string("VIDIOC_QBUF of MMAP ") + directionName(direction) +
					   " buffer " + std::to_string(index));
	return {};
}

Result<V4l2Dequeued> V4l2Device::dequeue(V4l2Direction direction, V4l2Memory memory, int timeoutMs,
					 int wakeFd)
{
	struct pollfd fds[2] = {
		{ fd_.get(), short(direction == V4l2Direction::Capture ? POLLIN : POLLOUT), 0 },
		{ wakeFd, POLLIN, 0 },
	};
	const struct pollfd &pfd = fds[0];
	int ready;
	do {
		ready = ::poll(fds, wakeFd >= 0 ? 2 : 1, timeoutMs);
	} while (ready < 0 && errno == EINTR);
	if (ready > 0 && (fds[1].revents & POLLIN))
		return Error(ECANCELED, label() + ": waiting for a buffer was cancelled");
	if (ready < 0)
		return fail(errno, "poll");
	if (ready == 0)
		return Error(ETIMEDOUT, label() + ": no " + directionName(direction) +
						" buffer within " + std::to_string(timeoutMs) +
						" ms");
	if (pfd.revents & POLLERR) {
		/* An unregistered device answers every ioctl with ENODEV. */
		struct v4l2_capability caps = {};
		if (ioctl(VIDIOC_QUERYCAP, &caps) < 0 && errno == ENODEV)
			return Error(ENODEV, label() + ": the device was disconnected");
		return Error(EIO, label() + ": the " + std::string(directionName(direction)) +
					  " queue reported an error (not streaming?)");
	}
	return dequeueReady(direction, memory);
}

Result<V4l2Dequeued> V4l2Device::dequeueReady(V4l2Direction direction, V4l2Memory memory)
{
	struct v4l2_plane planes[VIDEO_MAX_PLANES]; /* cleared only where used, as above */
	struct v4l2_buffer buffer = {};
	buffer.type = bufferType(direction);
	buffer.memory = memoryType(memory);
	bool multiPlanes = multiPlanar();
	if (multiPlanes) {
		std::memset(planes, 0, sizeof(planes));
		buffer.m.planes = planes;
		buffer.length = VIDEO_MAX_PLANES;
	}
	if (ioctl(VIDIOC_DQBUF, &buffer) < 0)
		return fail(errno, std::string("VIDIOC_DQBUF of a ") + directionName(direction) +
					   " buffer");

	V4l2Dequeued result;
	result.index = buffer.index;
	result.bytesUsed = multiPlanes ? planes[0].bytesused : buffer.bytesused;
	result.sequence = buffer.sequence;
	result.timestampNs = uint64_t(buffer.timestamp.tv_sec) * 1000000000ull +
			     uint64_t(buffer.timestamp.tv_usec) * 1000ull;
	result.error = buffer.flags & V4L2_BUF_FLAG_ERROR;
	result.last = buffer.flags & V4L2_BUF_FLAG_LAST;
	return result;
}

Result<V4l2Ready> V4l2Device::poll(int timeoutMs, int wakeFd) const
{
	struct pollfd fds[2] = {
		{ fd_.get(), short(POLLIN | POLLOUT | POLLPRI), 0 },
		{ wakeFd, POLLIN, 0 },
	};
	int ready;
	do {
		ready = ::poll(fds, wakeFd >= 0 ? 2 : 1, timeoutMs);
	} while (ready < 0 && errno == EINTR);
	if (ready < 0)
		return fail(errno, "poll");
	if (ready > 0 && (fds[1].revents & POLLIN))
		return Error(ECANCELED, label() + ": waiting was cancelled");
	if (ready == 0)
		return Error(ETIMEDOUT,
			     label() + ": nothing within " + std::to_string(timeoutMs) + " ms");
	short events = fds[0].revents;
	return V4l2Ready{ bool(events & POLLIN), bool(events & POLLOUT), bool(events & POLLPRI),
			  bool(events & POLLERR) };
}

Result<std::vector<DmaBuf>> V4l2Device::exportBuffer(V4l2Direction direction, unsigned index)
{
	std::vector<DmaBuf> buffers;
	unsigned planes = planesPerBuffer_[direction == V4l2Direction::Capture ? 0 : 1];
	for (unsigned plane = 0; plane < planes; plane++) {
		struct v4l2_exportbuffer request = {};
		request.type = bufferType(direction);
		request.index = index;
		request.plane = plane;
		request.flags = O_RDWR | O_CLOEXEC;
		if (ioctl(VIDIOC_EXPBUF, &request) < 0)
			return fail(errno, "VIDIOC_EXPBUF of buffer " + std::to_string(index) +
						   " plane " + std::to_string(plane));
		Result<DmaBuf> buffer = DmaBuf::fromFd(UniqueFd(request.fd));
		if (!buffer)
			return buffer.error();
		buffers.push_back(std::move(*buffer));
	}
	return buffers;
}

Status V4l2Device::streamOn(V4l2Direction direction)
{
	return stream(direction, VIDIOC_STREAMON, "VIDIOC_STREAMON");
}

Status V4l2Device::streamOff(V4l2Direction direction)
{
	return stream(direction, VIDIOC_STREAMOFF, "VIDIOC_STREAMOFF");
}

Status V4l2Device::stream(V4l2Direction direction, unsigned long request, const char *name)
{
	int type = int(bufferType(direction));
	if (ioctl(request, &type) < 0)
		return fail(errno,
			    std::string(name) + " of the " + directionName(direction) + " queue");
	return {};
}

} /* namespace dmabridge */
