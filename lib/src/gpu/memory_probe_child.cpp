/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The probe process (dmabridge-gpu-probe): for each kind of memory it is given, allocates
 * two small XRGB8888 buffers of that kind, draws a pattern into one with the CPU, has the
 * GPU converter sample it and render into the other, and reads that back through the sync
 * scope. It says "begin KIND" before touching a kind and "result KIND OUTCOME DETAIL"
 * after, each line flushed: when the driver takes the process down, the parent knows on
 * which kind. Runs in a process of its own because drivers do crash on imports they
 * accepted.
 */
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unistd.h>

#include <drm_fourcc.h>

#include <dmabridge/drm.h>
#include <dmabridge/egl.h>
#include <dmabridge/gl_converter.h>
#include <dmabridge/gpu_probe.h>
#include <dmabridge/heap.h>
#include <dmabridge/udmabuf.h>
#include <dmabridge/v4l2.h>
#include <dmabridge/vk_converter.h>

#include "memory_probe_internal.h"

namespace dmabridge::internal {

namespace {

constexpr uint32_t kSize = 64;

/* Two buffers of one kind, and whatever must stay open while they are used. */
struct Pair
{
	std::vector<DmaBuf> buffers;
	Layout layout;
	std::string what; /* "the system heap 'system'", "a V4L2 export of vivid-000"... */
	std::optional<V4l2Device> exporter;
};

Result<Pair> fromHeap(bool contiguous, const Layout &layout)
{
	Result<HeapInfo> info = findHeap(contiguous);
	if (!info)
		return Error(ENOENT, info.error().message());
	Result<DmaHeap> heap = DmaHeap::open(*info);
	if (!heap)
		return heap.error();
	Pair pair{ {},
		   layout,
		   std::string(contiguous ? "the CMA heap '" : "the system heap '") + info->name +
			   "'",
		   {} };
	for (int i = 0; i < 2; i++) {
		Result<DmaBuf> buffer = heap->allocate(layout.bufferSize(0), "gpu-probe");
		if (!buffer)
			return buffer.error();
		pair.buffers.push_back(std::move(*buffer));
	}
	return pair;
}

Result<Pair> fromUdmabuf(const Layout &layout)
{
	if (::access("/dev/udmabuf", F_OK) != 0)
		return Error(ENOENT, "there is no /dev/udmabuf");
	Pair pair{ {}, layout, "/dev/udmabuf", {} };
	for (int i = 0; i < 2; i++) {
		Result<DmaBuf> buffer = allocateUdmabuf(layout.bufferSize(0), "gpu-probe");
		if (!buffer)
			return buffer.error();
		pair.buffers.push_back(std::move(*buffer));
	}
	return pair;
}

Result<Pair> fromDumb(const std::string &node, const Layout &layout)
{
	if (node.empty())
		return Error(ENOENT, "the GPU has no DRM device of its own");
	Result<DrmDevice> drm = DrmDevice::open(node);
	if (!drm)
		return drm.error();
	Pair pair{ {}, layout, "dumb buffers of " + drm->label(), {} };
	for (int i = 0; i < 2; i++) {
		Result<DmaBuf> buffer = drm->allocateDumb(layout, &pair.layout);
		if (!buffer)
			return buffer.error();
		pair.buffers.push_back(std::move(*buffer));
	}
	return pair;
}

/* Two MMAP buffers of XRGB8888 exported by device, or why it can't give them. */
Result<Pair> exportTwo(V4l2Device &device, const Layout &layout)
{
	if (!device.hasCapture() || device.multiPlanar())
		return Error(ENOTSUP, "not a single-planar capture device");
	/* A camera's smallest size may be larger than the probe's (vivid's is 320x180). */
	std::vector<V4l2FrameSize> sizes = device.frameSizes(V4l2Direction::Capture, layout.fourcc);
	if (sizes.empty())
		return Error(ENOTSUP, "no XRGB8888");
	auto fit = [](uint32_t want, uint32_t min, uint32_t max, uint32_t step) {
		want = std::clamp(want, min, max);
		return step > 1 ? min + (want - min + step - 1) / step * step : want;
	};
	const V4l2FrameSize &size = sizes.front();
	Alignment aligned;
	aligned.stride = 64; /* as llvmpipe aligns its own rows */
	Result<Layout> sized = computeLayout(
		layout.fourcc, fit(layout.width, size.minWidth, size.maxWidth, size.stepWidth),
		fit(layout.height, size.minHeight, size.maxHeight, size.stepHeight), aligned);
	Result<Layout> set = sized ? device.setFormat(V4l2Direction::Capture, *sized) : sized;
	if (!set)
		return set.error();
	Result<unsigned> count = device.requestBuffers(V4l2Direction::Capture, V4l2Memory::Mmap, 2);
	if (!count)
		return count.error();
	/* A webcam's sizes are fixed (vivid's): whatever it settled on will do. */
	Pair pair{ {}, *set, "V4L2 exports of " + device.label(), {} };
	for (unsigned i = 0; i < 2 && i < *count; i++) {
		Result<std::vector<DmaBuf>> exported =
			device.exportBuffer(V4l2Direction::Capture, i);
		if (!exported)
			return exported.error();
		if (exported->size() != 1)
			return Error(ENOTSUP, "its buffers have more than one dma-buf");
		pair.buffers.push_back(std::move(exported->front()));
	}
	if (pair.buffers.size() != 2)
		return Error(ENOMEM, "it gave fewer than two buffers");
	return pair;
}

/* The first capture device that takes XRGB8888 and exports two MMAP buffers of it. */
Result<Pair> fromV4l2(const Layout &layout)
{
	std::string tried;
	for (const std::string &node : V4l2Device::nodes()) {
		Result<V4l2Device> device = V4l2Device::open(node, V4l2Access::Direct);
		if (!device)
			continue;
		Result<Pair> pair = exportTwo(*device, layout);
		if (pair) {
			pair->exporter = std::move(*device);
			return pair;
		}
		if (device->hasCapture())
			tried += (tried.empty() ? "" : "; ") + device->name() + ": " +
				 pair.error().message();
	}
	return Error(ENOENT, "no V4L2 capture device exports XRGB8888 buffers" +
				     (tried.empty() ? std::string() : " (" + tried + ")"));
}

Result<Pair> allocate(MemoryKind kind, const std::string &ownDrmNode)
{
	Alignment alignment;
	alignment.stride = 64;
	Result<Layout> layout = computeLayout(DRM_FORMAT_XRGB8888, kSize, kSize, alignment);
	if (!layout)
		return layout.error();
	switch (kind) {
	case MemoryKind::SystemHeap:
		return fromHeap(false, *layout);
	case MemoryKind::CmaHeap:
		return fromHeap(true, *layout);
	case MemoryKind::Udmabuf:
		return fromUdmabuf(*layout);
	case MemoryKind::OwnDumb:
		return fromDumb(ownDrmNode, *layout);
	case MemoryKind::V4l2Export:
		return fromV4l2(*layout);
	}
	return Error(EINVAL, "unknown kind of memory");
}

uint8_t patternByte(uint32_t x, uint32_t y, unsigned channel)
{
	switch (channel) {
	case 0:
		return uint8_t(x * 4); /* blue */
	case 1:
		return uint8_t(y * 4); /* green */
	default:
		return uint8_t(255 - x * 2 - y); /* red */
	}
}

Status draw(const DmaBuf &buffer, const Layout &layout)
{
	CpuAccess access(buffer, CpuAccessMode::Write);
	if (!access.isValid())
		return access.error();
	for (uint32_t y = 0; y < layout.height; y++) {
		uint8_t *line = access.write().data() + layout.planes[0].offset +
				size_t(y) * layout.planes[0].stride;
		for (uint32_t x = 0; x < layout.width; x++)
			for (unsigned c = 0; c < 4; c++)
				line[x * 4 + c] = c == 3 ? 0xff : patternByte(x, y, c);
	}
	return {};
}

/* How many pixels differ from the pattern (by more than rounding). */
Result<uint32_t> wrongPixels(const DmaBuf &buffer, const Layout &layout)
{
	CpuAccess access(buffer, CpuAccessMode::Read);
	if (!access.isValid())
		return access.error();
	uint32_t wrong = 0;
	for (uint32_t y = 0; y < layout.height; y++) {
		const uint8_t *line = access.read().data() + layout.planes[0].offset +
				      size_t(y) * layout.planes[0].stride;
		for (uint32_t x = 0; x < layout.width; x++)
			for (unsigned c = 0; c < 3; c++)
				if (std::abs(int(line[x * 4 + c]) - int(patternByte(x, y, c))) >
				    1) {
					wrong++;
					break;
				}
	}
	return wrong;
}

struct Probed
{
	MemoryProbeResult::Outcome outcome;
	std::string detail;
};

Probed tryKind(GpuConverter &converter, MemoryKind kind, const std::string &ownDrmNode)
{
	using Outcome = MemoryProbeResult::Outcome;
	Result<Pair> pair = allocate(kind, ownDrmNode);
	if (!pair)
		return { Outcome::Unavailable, pair.error().message() };
	const Layout &layout = pair->layout;
	if (Status drawn = draw(pair->buffers[0], layout); !drawn)
		return { Outcome::Unavailable, "the CPU could not draw into " + pair->what + ": " +
						       drawn.error().describe() };
	/* Cleared first, so that a render that writes nothing can't pass. */
	if (CpuAccess clear(pair->buffers[1], CpuAccessMode::Write); clear.isValid())
		std::memset(clear.write().data(), 0, clear.write().size());
	Status converted =
		converter.convert({ &pair->buffers[0], 1 }, layout, pair->buffers[1], layout);
	if (!converted)
		return { Outcome::Refused, pair->what + ": " + converted.error().describe() };
	Result<uint32_t> wrong = wrongPixels(pair->buffers[1], layout);
	if (!wrong)
		return { Outcome::Refused,
			 pair->what + ": reading back: " + wrong.error().describe() };
	std::string size = std::to_string(layout.width) + "x" + std::to_string(layout.height);
	if (*wrong)
		return { Outcome::WrongPixels, pair->what + ": " + std::to_string(*wrong) + " of " +
						       size + " pixels read back wrong" };
	return { Outcome::Usable, pair->what + ": sampled and rendered " + size +
					  " XRGB8888, every pixel read back right" };
}

Result<EglDevice> openEgl(const std::string &device)
{
	if (device == kSoftwareDevice)
		return EglDevice::openSoftware();
	Result<DrmDevice> drm = DrmDevice::open(device);
	if (!drm)
		return drm.error();
	return EglDevice::open(*drm);
}

Result<std::unique_ptr<GpuConverter>> openConverter(const std::string &api,
						    const std::string &device)
{
	if (api == "vulkan") {
		Result<VkConverter> converter = VkConverter::create(std::stoul(device));
		if (!converter)
			return converter.error();
		return std::unique_ptr<GpuConverter>(new VkConverter(std::move(*converter)));
	}
	Result<EglDevice> egl = openEgl(device);
	if (!egl)
		return egl.error();
	Result<GlConverter> converter = GlConverter::create(std::move(*egl));
	if (!converter)
		return converter.error();
	return std::unique_ptr<GpuConverter>(new GlConverter(std::move(*converter)));
}

void say(const std::string &line)
{
	std::string text = line + "\n";
	(void)!::write(STDOUT_FILENO, text.data(), text.size());
}

} /* namespace */

int memoryProbeMain(int argc, char **argv)
{
	if (argc < 4) {
		std::fprintf(stderr, "usage: %s gles|vulkan DEVICE OWN-DRM-NODE|- KIND...\n",
			     argv[0]);
		return 2;
	}
	std::string ownDrmNode = std::strcmp(argv[3], "-") ? argv[3] : "";
	Result<std::unique_ptr<GpuConverter>> converter = openConverter(argv[1], argv[2]);
	if (!converter) {
		say("error " + converter.error().describe());
		return 1;
	}
	/* A test asks for a crash on one kind, to see the parent survive it. */
	const char *crashOn = std::getenv("DMABRIDGE_GPU_PROBE_CRASH");
	for (int i = 4; i < argc; i++) {
		MemoryKind kind;
		if (!memoryKindFromKey(argv[i], &kind))
			continue;
		say(std::string("begin ") + argv[i]);
		if (crashOn && !std::strcmp(crashOn, argv[i]))
			std::raise(SIGSEGV);
		Probed probed = tryKind(**converter, kind, ownDrmNode);
		say(std::string("result ") + argv[i] + " " + outcomeName(probed.outcome) + " " +
		    probed.detail);
	}
	/* No teardown: the report is out, and a driver's exit path is not what was probed. */
	std::fflush(nullptr);
	::_exit(0);
}

} /* namespace dmabridge::internal */
