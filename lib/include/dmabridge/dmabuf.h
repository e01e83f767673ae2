/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <dmabridge/error.h>
#include <dmabridge/public.h>
#include <dmabridge/unique_fd.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * Which buffer an fd refers to. Two fds are the same buffer when their inodes are equal,
 * whatever their numbers (fd numbers are reused: never key anything by them). Fixed
 * widths, not dev_t and ino_t: on 32-bit machines ino_t's size depends on the
 * application's _FILE_OFFSET_BITS, and the library's layout must not.
 */
struct BufferIdentity
{
	uint64_t device = 0;
	uint64_t inode = 0;

	bool isValid() const { return inode != 0; }
	auto operator<=>(const BufferIdentity &) const = default;
};

/* Whether a descriptor may be written through: dma-bufs are opened O_RDWR or O_RDONLY. */
enum class FdAccess
{
	ReadOnly,
	ReadWrite
};

/*
 * A dma-buf: a shared owner of its fd, with its size and identity. CPU access goes
 * through CpuAccess only, never through a bare mmap.
 */
class DmaBuf
{
public:
	DmaBuf() = default;

	/* Checks that the fd is a dma-buf and reads its size and identity. */
	static Result<DmaBuf> fromFd(SharedFd fd);
	static Result<DmaBuf> fromFd(UniqueFd fd) { return fromFd(SharedFd(std::move(fd))); }

	bool isValid() const { return fd_.isValid(); }
	const SharedFd &fd() const { return fd_; }
	size_t size() const { return size_; }
	BufferIdentity identity() const { return identity_; }
	FdAccess fdAccess() const { return access_; }

	/* DMA_BUF_SET_NAME: shown in /sys/kernel/debug/dma_buf/bufinfo; at most 31 bytes. */
	Status setName(std::string_view name) const;
	/* The name from /proc/self/fdinfo, empty when unnamed. */
	std::string name() const;
	/*
	 * Who exported it, from /proc/self/fdinfo's exp_name: a DRM driver ("vgem"), a heap
	 * ("system", "reserved"), "udmabuf", or a V4L2 allocator ("videobuf2_dma_contig").
	 */
	std::string exporter() const;

	/*
	 * Fences (Linux 6.0+): a sync_file that signals when the buffer's pending writes (or,
	 * for Write, all pending access) are done; and one to add to the buffer's fences.
	 */
	enum class FenceFor
	{
		Read,
		Write
	};
	Result<UniqueFd> exportSyncFile(FenceFor purpose) const;
	Status importSyncFile(const UniqueFd &syncFile, FenceFor purpose) const;

	bool operator==(const DmaBuf &other) const { return identity_ == other.identity_; }

private:
	SharedFd fd_;
	size_t size_ = 0;
	BufferIdentity identity_;
	FdAccess access_ = FdAccess::ReadWrite;
};

/* How the CPU will touch the pixels inside a CpuAccess scope. */
enum class CpuAccessMode
{
	Read = 1,
	Write = 2,
	ReadWrite = 3
};

/* Bytes [offset, offset + length) of a buffer. */
struct ByteRange
{
	uint64_t offset = 0;
	uint64_t length = 0;
};

/*
 * A count of sync ioctls kept by their owner (an element's statistics): incremented on
 * one thread and read on others, so atomic (a plain 64-bit integer tears on 32-bit CPUs).
 */
using SyncCounter = std::atomic<uint64_t>;

/*
 * The only way for the CPU to touch a dma-buf's contents. The constructor maps the buffer
 * (read-only unless writing) and issues DMA_BUF_IOCTL_SYNC START; the destructor issues
 * SYNC END and unmaps. Both retry EINTR and EAGAIN. Check isValid() before use.
 * syncCounter, when given, counts this scope's sync ioctls for its owner (an element's
 * statistics) on top of the process-wide counters().
 */
class CpuAccess
{
public:
	CpuAccess(const DmaBuf &buffer, CpuAccessMode mode, SyncCounter *syncCounter = nullptr);
	/*
	 * Maps only range (the whole pages around it), where a reader touches a small part
	 * of a large buffer (a coded picture in a buffer sized for the worst case): a 32-bit
	 * process has no address space to spend on the rest. read() and write() are range;
	 * the sync ioctls still cover the buffer (they take no range).
	 */
	CpuAccess(const DmaBuf &buffer, CpuAccessMode mode, ByteRange range,
		  SyncCounter *syncCounter = nullptr);
	~CpuAccess();
	CpuAccess(const CpuAccess &) = delete;
	CpuAccess &operator=(const CpuAccess &) = delete;

	bool isValid() const { return data_ != nullptr; }
	const Error &error() const { return error_; }

	std::span<const uint8_t> read() const { return { data_, size_ }; }
	/* Empty unless the mode includes Write. */
	std::span<uint8_t> write() const;

private:
	DmaBuf buffer_;
	CpuAccessMode mode_;
	SyncCounter *syncCounter_;
	void *map_ = nullptr;
	size_t mapSize_ = 0;
	uint8_t *data_ = nullptr;
	size_t size_ = 0;
	Error error_;
};

/* Process-wide counts of what the library did, for statistics and tests. */
struct Counters
{
	uint64_t syncCalls = 0;      /* DMA_BUF_IOCTL_SYNC ioctls issued (START and END) */
	uint64_t cpuMappings = 0;    /* CpuAccess scopes opened */
	uint64_t allocations = 0;    /* dma-bufs allocated by the library */
	uint64_t eglImages = 0;      /* EGL images alive now (made and not yet destroyed) */
	uint64_t vulkanMemories = 0; /* Vulkan memory objects alive now (imported dma-bufs) */
};
Counters counters();

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END

template<>
struct std::hash<dmabridge::BufferIdentity>
{
	size_t operator()(const dmabridge::BufferIdentity &id) const noexcept
	{
		return std::hash<uint64_t>()(id.inode ^ (id.device << 40));
	}
};
