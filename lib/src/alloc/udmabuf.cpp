/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/udmabuf.h>

#include <dmabridge/udmabuf.h>

#include "../internal/counters.h"
#include "../internal/ioctl.h"
#include "../internal/page.h"

namespace dmabridge {

Result<DmaBuf> allocateUdmabuf(size_t size, std::string_view name, const std::string &node)
{
	size = size_t(internal::wholePages(size, internal::pageSize()));
	std::string what = "udmabuf of " + std::to_string(size) + " bytes";

	UniqueFd device(::open(node.c_str(), O_RDWR | O_CLOEXEC));
	if (!device)
		return Error::fromErrno(errno, "cannot open " + node + " for a " + what);

	/* udmabuf needs the memfd sealed against shrinking, and not against writes. */
	UniqueFd memfd(::memfd_create(std::string(name).c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING));
	if (!memfd)
		return Error::fromErrno(errno, "memfd for a " + what);
	if (::ftruncate(memfd.get(), off_t(size)) < 0)
		return Error::fromErrno(errno, "sizing the memfd of a " + what);
	if (::fcntl(memfd.get(), F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		return Error::fromErrno(errno, "sealing the memfd of a " + what);

	struct udmabuf_create request = {};
	request.memfd = uint32_t(memfd.get());
	request.flags = UDMABUF_FLAGS_CLOEXEC;
	request.offset = 0;
	request.size = size;
	int fd = internal::retryIoctl(device.get(), UDMABUF_CREATE, &request);
	if (fd < 0)
		return Error::fromErrno(errno, "UDMABUF_CREATE for a " + what +
						       (errno == EINVAL
								? " (over the size_limit_mb module "
								  "parameter?)"
								: ""));
	internal::countAllocation();
	return DmaBuf::fromFd(UniqueFd(fd));
}

} /* namespace dmabridge */
