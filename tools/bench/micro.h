/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>
#include <vector>

namespace dmabridge::bench {

struct MicroResult
{
	std::string memory;           /* heap name or "udmabuf" */
	double syncPairPerMiBUs = -1; /* one START/END pair on an 8 MiB buffer, per MiB */
	double allocateUs = -1;       /* one 1920x1080 XRGB8888 buffer */
	double importUs = -1;         /* its first import as a vkms framebuffer */
	std::string note;             /* why a figure is missing */
};

std::vector<MicroResult> runMicro();

} /* namespace dmabridge::bench */
