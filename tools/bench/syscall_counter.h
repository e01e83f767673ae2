/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Counts the system calls a pipeline makes on the frame path, by kind, from inside the
 * process: the benchmark exports ioctl(), syscall() (libv4l2 issues its ioctls through it),
 * poll() and ppoll(), which every library and plugin then binds to, and forwards each to
 * libc. Cheap enough to leave on while CPU time is measured; calls libc makes internally
 * (futex, clock_gettime) are not seen.
 */
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace dmabridge::bench {

/* Calls so far, by kind ("VIDIOC_DQBUF", "DMA_BUF_IOCTL_SYNC", "poll", "ioctl (other)"). */
std::map<std::string, uint64_t> syscallCounts();

/*
 * Calls callback once, when the next display commit (an atomic commit, SETPLANE, PAGE_FLIP
 * or SETCRTC, whichever the sink uses) has returned: a frame was handed to the display.
 */
void afterNextDisplayCommit(void (*callback)());

} /* namespace dmabridge::bench */
