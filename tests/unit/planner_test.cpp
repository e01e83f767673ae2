/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The planner's decisions, from constraints in the shapes the probes and the quirk table
 * produce (a device no probe could describe is named hypothetical). The device tests
 * check the same decisions on the virtual board's real drivers; these cover the boards
 * the quirk table knows and the corner cases.
 */
#include <gtest/gtest.h>

#include <drm_fourcc.h>

#include <dmabridge/gpu_probe.h>
#include <dmabridge/plan.h>
#include <dmabridge/quirks.h>

#include "device/contiguity.h"
#include "device/sysfs.h"

using namespace dmabridge;

namespace {

HeapInfo heap(const std::string &name, bool contiguous)
{
	return { name,
		 "/dev/dma_heap/" + name,
		 name,
		 contiguous,
		 true,
		 contiguous ? "a CMA area" : "scattered pages",
		 contiguous ? HeapKind::Cma : HeapKind::System };
}

const std::vector<HeapInfo> kBoardHeaps = { heap("reserved", true), heap("system", false) };

/* What sysfs says of a platform device without an iommu_group, as the probes put it. */
Derived<bool> noIommu(const std::string &device)
{
	return { false, "sysfs: no iommu_group for /sys/devices/platform/" + device };
}

/*
 * A V4L2 capture queue as V4l2Device::probe() describes it: contiguity from its REQBUFS
 * capabilities (a vb2-dma-contig queue can't take user pointers), the IOMMU from sysfs,
 * then the quirk table.
 */
DeviceConstraints capture(const std::string &name, bool dmaContig,
			  const std::string &driver = "vivid",
			  Derived<bool> iommu = noIommu("vivid.0"))
{
	DeviceConstraints device;
	device.name = name;
	device.node = "/dev/video0";
	device.role = "V4L2 capture";
	device.driver = driver;
	device.formats = { { DRM_FORMAT_XRGB8888, {} },
			   { DRM_FORMAT_NV12, {} },
			   { DRM_FORMAT_YUYV, {} } };
	device.canExport = true;
	device.contiguous = internal::v4l2Contiguity(dmaContig ? 0x1d : 0x1f);
	device.exportsContiguous = device.contiguous;
	device.iommu = std::move(iommu);
	device.coherent = { false, "V4L2 reports no coherency: CPU access syncs" };
	applyQuirks(device);
	return device;
}

/*
 * A KMS display as DrmDevice::probe() describes it: its primary plane's formats, the
 * IOMMU from sysfs, contiguous memory assumed without one, then the quirk table.
 */
DeviceConstraints display(const std::string &name, const std::string &driver, Derived<bool> iommu)
{
	DeviceConstraints device;
	device.name = name;
	device.node = "/dev/dri/card1";
	device.role = "KMS primary plane 31";
	device.driver = driver;
	device.formats = { { DRM_FORMAT_XRGB8888, {} }, { DRM_FORMAT_RGB565, {} } };
	device.canExport = true;
	device.iommu = std::move(iommu);
	device.contiguous = internal::drmContiguity(device.iommu);
	device.exportsContiguous = device.contiguous;
	device.coherent = { false, "DRM reports no coherency: CPU access syncs" };
	applyQuirks(device);
	return device;
}

/* vkms on the virtual board. */
DeviceConstraints vkms()
{
	return display("vkms", "vkms", noIommu("vkms"));
}

/*
 * No probe or quirk of this project gives a display a stride alignment: a scanout engine
 * that fetches whole 64-byte lines is hypothetical, and named so.
 */
DeviceConstraints hypotheticalDisplay()
{
	DeviceConstraints device = vkms();
	device.name = "hypothetical-display";
	device.driver = "hypothetical";
	device.alignment = { { 64, 1, 1, 1 }, "hypothetical: it fetches whole 64-byte lines" };
	return device;
}

/* vivid-001 as probed with DMABRIDGE_ASSUME_SCATTER_GATHER=vivid-001: it looks scatter-gather
 * capable, though its queue is vb2-dma-contig. */
DeviceConstraints vivid001Overridden()
{
	DeviceConstraints device = capture("vivid-001", true);
	::setenv("DMABRIDGE_ASSUME_SCATTER_GATHER", "vivid-000,vivid-001", 1);
	bool overridden = applyScatterGatherOverride(device);
	::unsetenv("DMABRIDGE_ASSUME_SCATTER_GATHER");
	EXPECT_TRUE(overridden);
	return device;
}

/* RK3399's display as read from a sysfs tree of its shape (tests/unit/sysfs/rk3399). */
Derived<bool> rk3399DisplayIommu()
{
	std::string root = std::string(DMABRIDGE_TEST_DATA) + "/sysfs/rk3399";
	::setenv("DMABRIDGE_SYSFS_ROOT", root.c_str(), 1);
	Derived<bool> iommu = internal::iommuOf(internal::sysfsDeviceOf("drm", "/dev/dri/card0"));
	::unsetenv("DMABRIDGE_SYSFS_ROOT");
	return iommu;
}

PlanRequest request(DeviceConstraints producer, std::vector<DeviceConstraints> consumers,
		    uint32_t fourcc = DRM_FORMAT_XRGB8888, uint32_t width = 1280,
		    uint32_t height = 720)
{
	return { std::move(producer), std::move(consumers), fourcc, width, height, 4, kBoardHeaps };
}

bool says(const Plan &plan, const std::string &text)
{
	return plan.explain().find(text) != std::string::npos;
}

TEST(Planner, ScatterGatherDevicesGetTheSystemHeap)
{
	Result<Plan> plan = Planner().plan(request(capture("vivid-000", false), { vkms() }));
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_EQ(plan->allocator, AllocatorKind::Heap);
	EXPECT_EQ(plan->heap.name, "system");
	EXPECT_FALSE(plan->contiguous);
	EXPECT_FALSE(plan->copy);
	EXPECT_TRUE(says(*plan, "No device needs contiguous memory")) << plan->explain();
	EXPECT_EQ(plan->layout.planes[0].stride, 5120u);
	EXPECT_EQ(plan->bufferSize, 3686400u);
}

TEST(Planner, ContiguousCaptureGetsTheCmaHeap)
{
	Result<Plan> plan = Planner().plan(request(capture("vivid-001", true), { vkms() }));
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_EQ(plan->heap.name, "reserved");
	EXPECT_TRUE(plan->contiguous);
	EXPECT_TRUE(says(*plan, "vivid-001 needs physically contiguous memory (its queue can't "
				"take user pointers (REQBUFS capabilities 0x1d lack "
				"SUPPORTS_USERPTR), the mark of vb2-dma-contig; sysfs: no "
				"iommu_group for /sys/devices/platform/vivid.0)"))
		<< plan->explain();
	EXPECT_TRUE(says(*plan, "contiguous heap 'reserved'")) << plan->explain();
}

TEST(Planner, StrideAlignedForEveryDevice)
{
	Result<Plan> plan = Planner().plan(request(capture("vivid-000", false),
						   { vkms(), hypotheticalDisplay() },
						   DRM_FORMAT_XRGB8888, 1366, 768));
	ASSERT_TRUE(plan.ok());
	EXPECT_EQ(plan->layout.planes[0].stride, 5504u) << "1366 x 4 = 5464, aligned to 64";
	EXPECT_TRUE(says(*plan, "lines aligned to 64 bytes for hypothetical-display"))
		<< plan->explain();
}

TEST(Planner, FormatTheDisplayRefusesMeansACopy)
{
	Result<Plan> plan =
		Planner().plan(request(capture("vivid-000", false), { vkms() }, DRM_FORMAT_NV12));
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_TRUE(plan->copy);
	EXPECT_EQ(plan->copyReason, "vkms does not take NV12 (it takes XRGB8888, RGB565)");
	ASSERT_FALSE(plan->remedies.empty());
	EXPECT_EQ(plan->remedies.front(), "use XRGB8888, which every device takes");
}

TEST(Planner, ProducerThatCantProduceTheFormatIsAnError)
{
	Result<Plan> plan =
		Planner().plan(request(capture("vivid-000", false), {}, DRM_FORMAT_RGB565));
	ASSERT_FALSE(plan.ok());
	EXPECT_NE(plan.error().message().find("does not produce RGB565"), std::string::npos)
		<< plan.error().message();
}

using Outcome = MemoryProbeResult::Outcome;

/*
 * Mesa's software GL driver as EglDevice::probe() describes it, with a memory report in
 * the shape the probe gave in the boards: Mesa 22.3 (Debian 12) crashed on every kind of
 * memory but its own device's dumb buffers; Mesa 25.0.7 (Debian 13) used every kind.
 */
DeviceConstraints softwareGpu(bool mesa22)
{
	DeviceConstraints gpu;
	gpu.name = "llvmpipe";
	gpu.node = "/dev/dri/card0";
	gpu.role = "EGL sampler";
	gpu.driver = "llvmpipe";
	gpu.formats = { { DRM_FORMAT_XRGB8888, {} }, { DRM_FORMAT_NV12, {} } };
	gpu.contiguous = { false, "Mesa maps imported pages" };
	applyQuirks(gpu);
	GpuMemoryReport report;
	report.key = mesa22 ? "llvmpipe; OpenGL ES 3.2 Mesa 22.3.6"
			    : "llvmpipe; OpenGL ES 3.2 Mesa 25.0.7";
	for (MemoryKind kind : kMemoryKinds)
		report.results.push_back({ kind,
					   !mesa22 || kind == MemoryKind::OwnDumb
						   ? Outcome::Usable
						   : Outcome::Crashed,
					   "" });
	applyMemoryReport(gpu, report);
	return gpu;
}

TEST(Planner, GpuThatUsesOnlyItsOwnMemoryAllocates)
{
	Result<Plan> plan =
		Planner().plan(request(capture("vivid-000", false), { softwareGpu(true) }));
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_FALSE(plan->copy);
	EXPECT_EQ(plan->allocator, AllocatorKind::DrmDumb);
	EXPECT_EQ(plan->allocatingDevice, "/dev/dri/card0");
	EXPECT_TRUE(says(*plan, "llvmpipe can only use buffers allocated by /dev/dri/card0"))
		<< plan->explain();
	EXPECT_TRUE(says(*plan, "crashed on system heap")) << plan->explain();
}

TEST(Planner, ContiguousCaptureIntoOwnMemoryGpuIsACopy)
{
	Result<Plan> plan =
		Planner().plan(request(capture("vivid-001", true), { softwareGpu(true) }));
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_TRUE(plan->copy);
	EXPECT_EQ(plan->heap.name, "reserved") << "the capture side still gets CMA";
	EXPECT_NE(plan->copyReason.find("vivid-001 needs physically contiguous memory"),
		  std::string::npos);
	EXPECT_NE(plan->copyReason.find("llvmpipe can only use buffers allocated by "
					"/dev/dri/card0"),
		  std::string::npos)
		<< plan->copyReason;
}

TEST(Planner, GpuThatUsesAnyMemoryTakesTheCamerasHeap)
{
	for (bool contiguous : { false, true }) {
		Result<Plan> plan = Planner().plan(
			request(capture(contiguous ? "vivid-001" : "vivid-000", contiguous),
				{ softwareGpu(false) }));
		ASSERT_TRUE(plan.ok()) << plan.error().describe();
		EXPECT_FALSE(plan->copy) << plan->copyReason;
		EXPECT_EQ(plan->allocator, AllocatorKind::Heap);
		EXPECT_EQ(plan->heap.name, contiguous ? "reserved" : "system") << plan->explain();
	}
}

/* A driver found to read wrong pixels from the system heap: hypothetical, narrowed. */
TEST(Planner, MemoryAGpuCantUseIsNotChosen)
{
	DeviceConstraints gpu = softwareGpu(false);
	gpu.name = "hypothetical-gpu";
	GpuMemoryReport report;
	report.key = "hypothetical";
	for (MemoryKind kind : kMemoryKinds)
		report.results.push_back(
			{ kind,
			  kind == MemoryKind::SystemHeap ? Outcome::WrongPixels : Outcome::Usable,
			  "" });
	applyMemoryReport(gpu, report);
	Result<Plan> plan = Planner().plan(request(capture("vivid-000", false), { gpu }));
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_FALSE(plan->copy) << plan->copyReason;
	EXPECT_EQ(plan->heap.name, "reserved") << plan->explain();
	EXPECT_TRUE(says(*plan, "not usable by every device")) << plan->explain();
	EXPECT_TRUE(says(*plan, "read wrong pixels from system heap")) << plan->explain();
}

TEST(Planner, LearnsContiguityFromEfault)
{
	DeviceConstraints unknown = vivid001Overridden();
	Planner planner;
	ASSERT_EQ(planner.plan(request(unknown, { vkms() }))->heap.name, "system");

	std::string learned = planner.learnFromImportFailure("vivid-001", true, false, EFAULT);
	EXPECT_NE(learned.find("vivid-001 refused a buffer of scattered pages (EFAULT)"),
		  std::string::npos)
		<< learned;
	Result<Plan> replanned = planner.plan(request(unknown, { vkms() }));
	ASSERT_TRUE(replanned.ok());
	EXPECT_EQ(replanned->heap.name, "reserved");
	EXPECT_TRUE(says(*replanned, "learned: it refused a scattered buffer with EFAULT"))
		<< replanned->explain();

	EXPECT_EQ(planner.learnFromImportFailure("vivid-001", true, false, EFAULT), "")
		<< "a second failure teaches nothing: the error is final";
	EXPECT_EQ(planner.learnFromImportFailure("vkms", false, true, EINVAL), "")
		<< "a contiguous buffer's failure says nothing about contiguity";
	EXPECT_EQ(planner.learnFromImportFailure("vkms", true, false, ENOMEM), "");
}

/*
 * A board with only a CMA heap: buffers come from it although no device needs contiguous
 * memory. When the kernel refuses them with EFAULT, that says nothing about contiguity
 * (the buffers were contiguous): nothing is learned and the plan is tried as it was.
 */
TEST(PlannerReplan, RefusedContiguousBuffersTeachNothingAboutContiguity)
{
	PlanRequest r = request(capture("vivid-000", false), { vkms() });
	r.heaps = { heap("reserved", true) };
	Planner planner;
	int attempts = 0;
	Result<CarriedOutPlan> done =
		planner.planAndCarryOut(r, [&](const Plan &plan, bool &) -> Status {
			EXPECT_EQ(plan.heap.name, "reserved");
			if (attempts++ == 0)
				return Error::fromErrno(EFAULT,
							"vivid-000 (/dev/video0): VIDIOC_QBUF");
			return {};
		});
	ASSERT_TRUE(done.ok()) << done.error().describe();
	EXPECT_EQ(attempts, 2);
	EXPECT_EQ(done->learned.find("scattered"), std::string::npos) << done->learned;
	EXPECT_NE(done->learned.find("the kernel refused the planned buffers"), std::string::npos)
		<< done->learned;
	EXPECT_FALSE(planner.withLearned(capture("vivid-000", false)).contiguous.value);
}

/* Scattered buffers refused with EFAULT: the device needs contiguous memory, and gets it. */
TEST(PlannerReplan, RefusedScatteredBuffersAreReplannedContiguous)
{
	PlanRequest r = request(vivid001Overridden(), { vkms() });
	std::vector<std::string> heaps;
	Result<CarriedOutPlan> done =
		Planner().planAndCarryOut(r, [&](const Plan &plan, bool &) -> Status {
			heaps.push_back(plan.heap.name);
			if (!plan.heap.contiguous)
				return Error::fromErrno(EFAULT,
							"vivid-001 (/dev/video1): VIDIOC_QBUF");
			return {};
		});
	ASSERT_TRUE(done.ok()) << done.error().describe();
	EXPECT_EQ(heaps, (std::vector<std::string>{ "system", "reserved" }));
	EXPECT_NE(done->learned.find("vivid-001 refused a buffer of scattered pages (EFAULT)"),
		  std::string::npos)
		<< done->learned;
	EXPECT_TRUE(says(done->plan, "learned: it refused a scattered buffer with EFAULT"))
		<< done->plan.explain();
}

TEST(PlannerReplan, RefusedTwiceGivesBothReasons)
{
	PlanRequest r = request(capture("vivid-000", false), { vkms() });
	int attempts = 0;
	Result<CarriedOutPlan> done =
		Planner().planAndCarryOut(r, [&](const Plan &, bool &) -> Status {
			return Error(EINVAL, attempts++ ? "second refusal" : "first refusal");
		});
	ASSERT_FALSE(done.ok());
	EXPECT_EQ(done.error().message(),
		  "the kernel refused the planned buffers (first refusal (EINVAL)); then, "
		  "re-planned: second refusal");
}

TEST(Planner, NoCmaHeapFallsBackToProducerExport)
{
	PlanRequest r = request(capture("vivid-001", true), { vkms() });
	r.heaps = { heap("system", false) };
	Result<Plan> plan = Planner().plan(r);
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_EQ(plan->allocator, AllocatorKind::ProducerExport);
	EXPECT_TRUE(says(*plan, "there is no contiguous (CMA) heap")) << plan->explain();
}

TEST(Planner, NoHeapAndNoExportIsAnErrorWithARemedy)
{
	DeviceConstraints producer = capture("vivid-001", true);
	producer.canExport = false;
	PlanRequest r = request(producer, { vkms() });
	r.heaps = { heap("system", false) };
	Result<Plan> plan = Planner().plan(r);
	ASSERT_FALSE(plan.ok());
	EXPECT_EQ(plan.error().code(), ENOENT);
	EXPECT_NE(plan.error().message().find("cma=128M"), std::string::npos)
		<< plan.error().message();
}

TEST(PlannerBoards, RaspberryPi4CaptureToDisplayUsesLowCma)
{
	DeviceConstraints unicam = capture("unicam", true, "unicam", noIommu("fe801000.csi"));
	DeviceConstraints vc4 = display("vc4", "vc4", noIommu("gpu"));
	Result<Plan> plan = Planner().plan(request(unicam, { vc4 }));
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_TRUE(plan->contiguous);
	EXPECT_EQ(plan->heap.name, "reserved");
	EXPECT_EQ(plan->addressLimit, 1ull << 30);
	EXPECT_TRUE(says(*plan, "reaches only the first 1 GiB")) << plan->explain();
}

/*
 * The ISP has an iommu_group of its own; the display's DRM device is the virtual
 * display-subsystem, whose VOPs have theirs (read from the sysfs tree of that shape).
 */
TEST(PlannerBoards, Rk3399DevicesBehindIommusTakeTheSystemHeap)
{
	DeviceConstraints isp =
		capture("rkisp1", true, "rkisp1", { true, "sysfs: iommu_group 5 (type DMA)" });
	DeviceConstraints vop = display("vop", "rockchip", rk3399DisplayIommu());
	ASSERT_TRUE(vop.iommu.value) << vop.iommu.source;
	Result<Plan> plan = Planner().plan(request(isp, { vop }));
	ASSERT_TRUE(plan.ok()) << plan.error().describe();
	EXPECT_FALSE(plan->contiguous);
	EXPECT_EQ(plan->heap.name, "system");
	EXPECT_TRUE(says(*plan, "rkisp1 is behind an IOMMU")) << plan->explain();
	EXPECT_NE(vop.iommu.source.find("ff8f0000.vop"), std::string::npos) << vop.iommu.source;
}

TEST(PlannerBoards, QuirkNeverOverridesSysfs)
{
	/* A Pi 5: the same vc4 driver, behind an IOMMU that sysfs shows. */
	DeviceConstraints vc4 =
		display("vc4", "vc4", { true, "sysfs: iommu_group 3 (type DMA-FQ)" });
	EXPECT_TRUE(vc4.iommu.value);
	EXPECT_FALSE(vc4.needsContiguousMemory());
}

TEST(PlannerBoards, Rk3399RgaNeeds32BitMemory)
{
	DeviceConstraints isp =
		capture("rkisp1", true, "rkisp1", { true, "sysfs: iommu_group 5 (type DMA)" });
	DeviceConstraints rga = capture("rga", false, "rockchip-rga", noIommu("ff680000.rga"));
	Result<Plan> plan = Planner().plan(request(isp, { rga }));
	ASSERT_TRUE(plan.ok());
	EXPECT_EQ(plan->addressLimit, 4ull << 30);
	EXPECT_EQ(plan->heap.name, "reserved");
}

} /* namespace */
