/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The camera through the GPU into the display, measured as the decoding rows are
 * (m2m.h): vivid-000's NV12 and YUYV at 640x480 to XRGB8888 on vkms. Ours plans memory
 * the GPU imports and hands the display the GPU's output with its fence; upstream's GL
 * elements upload from V4L2's mapped buffers (their dma-buf import crashes in the boards'
 * Mesa) and download every frame (with Mesa's software driver both are CPU
 * copies, which GST_PERFORMANCE does not log: upstream's copy columns miss them).
 */
#include "gpu_rows.h"

#include "callgrind.h"
#include "markdown.h"
#include "report.h"

namespace dmabridge::bench {

namespace {

/*
 * Fewer frames than the camera rows: under callgrind in the emulated board, a software
 * GPU's frame costs hundreds of times a zero-copy frame.
 */
constexpr unsigned kGpuTimed = 60, kGpuCounted = 20, kGpuWarmup = 5, kGpuLast = 15;

struct GpuCase
{
	const char *name;    /* "ours GL" */
	const char *element; /* ours: the converter; upstream: empty */
	const char *format;  /* GStreamer's name */
};

constexpr GpuCase kCases[] = {
	{ "ours GL", "dmabridgeglconvert", "NV12" },
	{ "ours Vulkan", "dmabridgevkconvert", "NV12" },
	{ "upstream GL", "", "NV12" },
	{ "ours GL", "dmabridgeglconvert", "YUY2" },
	{ "ours Vulkan", "dmabridgevkconvert", "YUY2" },
	{ "upstream GL", "", "YUY2" },
};

std::string pipeline(const GpuCase &c, unsigned frames)
{
	std::string count = " num-buffers=" + std::to_string(frames);
	std::string caps = std::string("video/x-raw,format=") + c.format + ",width=640,height=480";
	std::string sink = " ! video/x-raw,format=BGRx ! ";
	if (*c.element)
		return "dmabridgev4l2src name=src device-name=vivid-000" + count + " ! " + caps +
		       " ! " + c.element + " name=gpu" + sink +
		       "dmabridgekmssink name=sink driver-name=vkms sync=false";
	return "v4l2src device=" + nodeOf("vivid-000") + " io-mode=mmap" + count + " ! " + caps +
	       " ! glupload ! glcolorconvert ! gldownload" + sink +
	       "kmssink name=sink driver-name=vkms sync=false";
}

} /* namespace */

std::vector<M2mResult> runGpu(const std::string &self, std::string &raw, const std::string &rawPath,
			      const std::string &onlyRow)
{
	std::vector<RowPipeline> rows;
	for (const GpuCase &c : kCases)
		rows.push_back({ c.name, std::string("vivid-000 ") + c.format + " 640x480",
				 [&c](unsigned frames) { return pipeline(c, frames); },
				 *c.element ? std::vector<std::string>{ "src", "gpu", "sink" }
					    : std::vector<std::string>{},
				 kGpuTimed, kGpuCounted, kGpuWarmup, kGpuLast });
	return measureRows(self, "gpu", rows, raw, rawPath, onlyRow);
}

bool readGpuLine(const std::string &line, M2mResult &result)
{
	return readResultLine("gpu", line, result);
}

std::string gpuTable(const std::vector<M2mResult> &results)
{
	return "vivid-000's YUV frames made XRGB8888 by the GPU and shown on vkms, 640x480: "
	       "ours is `dmabridgev4l2src ! dmabridgeglconvert` (or `dmabridgevkconvert`) `! "
	       "dmabridgekmssink`, upstream's `v4l2src io-mode=mmap ! glupload ! "
	       "glcolorconvert ! gldownload ! kmssink`: with io-mode=dmabuf (and on Debian 13 "
	       "with the io-mode left to v4l2src) glupload imports vivid's dma-bufs into Mesa "
	       "and the process dies of SIGSEGV, so upstream's working pipeline uploads from "
	       "mapped memory. Copies: ours from dmabridge-stats; "
	       "upstream's are what GST_PERFORMANCE logs, which misses glupload's texture upload "
	       "and gldownload's read-back (CPU copies of the frame with Mesa's software "
	       "driver). Instructions are user space (callgrind, " +
	       countedSpan(kGpuWarmup, kGpuLast, kGpuCounted) +
	       ", per frame): with a software GPU they include the GPU's own work.\n\n" +
	       std::string(kResultHeader) + resultRows(results);
}

} /* namespace dmabridge::bench */
