/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the board's GPU drivers can really use, probed: Mesa's software GL driver on GBM
 * over vgem crashes on any memory but vgem's dumb buffers (Mesa 22.3 and 25.0.7 alike),
 * and the probe survives that in its own process; Mesa 25's on its software device maps
 * any dma-buf, as does its lavapipe. Reports are cached per
 * driver and version, in the process and in a file; each probe's cost is recorded.
 */
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <unistd.h>

#include <drm_fourcc.h>

#include <dmabridge/drm.h>
#include <dmabridge/egl.h>
#include <dmabridge/gpu_probe.h>
#include <dmabridge/vk_converter.h>

#include "../temporary_directory.h"
#include "board.h"

using namespace dmabridge;
using Outcome = MemoryProbeResult::Outcome;

namespace {

/* A cache directory of the test's own, so the first probe really runs. */
class GpuProbe : public ::testing::Test
{
protected:
	void SetUp() override
	{
		ASSERT_FALSE(cache_.path().empty());
		::setenv("XDG_CACHE_HOME", cache_.path().c_str(), 1);
		forgetGpuMemoryReports();
	}
	void TearDown() override
	{
		::unsetenv("DMABRIDGE_GPU_PROBE_CRASH");
		forgetGpuMemoryReports();
	}

	GpuProbeTarget glTarget(const DrmDevice &drm, const EglDevice &egl) const
	{
		return { GpuApi::Gles, drm.path(), drm.path(),
			 egl.renderer() + "; " + egl.glVersion() + "; EGL on " + drm.path() };
	}

	test::TemporaryDirectory cache_{ "probe" };
};

/* Probes target; seconds: how long that took, for the record (nothing is timed). */
Result<GpuMemoryReport> timedProbe(const GpuProbeTarget &target, double &seconds)
{
	auto start = std::chrono::steady_clock::now();
	Result<GpuMemoryReport> report = probeGpuMemory(target);
	seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	return report;
}

/* A report read from a cache: no process started, and what the first probe found. */
void expectFromCache(const GpuMemoryReport &report, const GpuMemoryReport &first)
{
	EXPECT_TRUE(report.fromCache);
	EXPECT_EQ(report.processes, 0u);
	EXPECT_EQ(report.usable(), first.usable());
}

Outcome outcomeOf(const GpuMemoryReport &report, MemoryKind kind)
{
	for (const MemoryProbeResult &result : report.results)
		if (result.kind == kind)
			return result.outcome;
	return Outcome::Unavailable;
}

std::string describe(const GpuMemoryReport &report)
{
	std::string text;
	for (const MemoryProbeResult &result : report.results)
		text += std::string(memoryKindName(result.kind)) + ": " +
			outcomeName(result.outcome) + " (" + result.detail + ")\n";
	return text;
}

/* What a probe found, printed and recorded with its cost. */
Result<GpuMemoryReport> probeAndRecord(const GpuProbeTarget &target, const char *what)
{
	auto start = std::chrono::steady_clock::now();
	Result<GpuMemoryReport> report = probeGpuMemory(target);
	double seconds =
		std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	if (report) {
		::testing::Test::RecordProperty(std::string(what) + "_probe_seconds",
						std::to_string(seconds));
		std::cout << what << " memory probe: " << seconds << " s, " << report->processes
			  << " processes\n"
			  << describe(*report);
	}
	return report;
}

/* Every kind the board has was tried: none is missing from the report. */
void expectEveryKindTried(const GpuMemoryReport &report, bool ownDevice)
{
	for (MemoryKind kind : kMemoryKinds) {
		if (!ownDevice && kind == MemoryKind::OwnDumb)
			continue;
		EXPECT_NE(outcomeOf(report, kind), Outcome::Unavailable)
			<< memoryKindName(kind) << "\n"
			<< describe(report);
	}
}

/*
 * EGL on GBM over vgem: Mesa's kms_swrast goes through vgem, and crashes (in the probe
 * process) on any memory but vgem's own dumb buffers, on Mesa 22.3 and on Mesa 25.0.7.
 */
TEST_F(GpuProbe, GlOnGbmUsesOnlyItsOwnDumbBuffers)
{
	Result<DrmDevice> drm = DrmDevice::openByDriver("vgem");
	DMABRIDGE_REQUIRE_DEVICE(drm.ok(), "vgem");
	Result<EglDevice> egl = EglDevice::open(*drm);
	ASSERT_TRUE(egl.ok()) << egl.error().describe();
	Result<GpuMemoryReport> report = probeAndRecord(glTarget(*drm, *egl), "gbm");
	ASSERT_TRUE(report.ok()) << report.error().describe();
	EXPECT_FALSE(report->fromCache);
	expectEveryKindTried(*report, true);
	EXPECT_EQ(outcomeOf(*report, MemoryKind::OwnDumb), Outcome::Usable) << describe(*report);
	for (MemoryKind kind : { MemoryKind::SystemHeap, MemoryKind::CmaHeap, MemoryKind::Udmabuf,
				 MemoryKind::V4l2Export })
		EXPECT_EQ(outcomeOf(*report, kind), Outcome::Crashed)
			<< memoryKindName(kind) << "\n"
			<< describe(*report);
	EXPECT_GE(report->processes, 4u) << "started again after each crash";

	DeviceConstraints gpu;
	gpu.node = drm->path();
	applyMemoryReport(gpu, *report);
	EXPECT_EQ(gpu.usableMemory.source.rfind("probed (", 0), 0u) << gpu.usableMemory.source;
	EXPECT_EQ(gpu.memoryOnlyFrom.value, drm->path()) << gpu.memoryOnlyFrom.source;
}

/*
 * EGL on Mesa's software device: Mesa 25's software driver maps any dma-buf there (Mesa
 * 24.1's import). So openAny() picks the software device on Debian 13 and GBM over vgem
 * on Debian 12.
 */
TEST_F(GpuProbe, GlOnTheSoftwareDeviceUsesAnyMemoryOnMesa25)
{
	DMABRIDGE_REQUIRE_DEVICE(DrmDevice::openByDriver("vgem").ok(), "vgem");
	Result<EglDevice> egl = EglDevice::openSoftware();
	Result<EglDevice> any = EglDevice::openAny();
	ASSERT_TRUE(any.ok()) << any.error().describe();
	if (!test::mesaImportsAnyDmaBuf()) {
		/* Mesa 22.3's software device imports nothing it can use: GBM over vgem wins. */
		EXPECT_FALSE(any->drmNode().empty()) << any->label();
		std::cout << "software device: "
			  << (egl ? egl->renderer() + ", " + egl->glVersion()
				  : egl.error().describe())
			  << "\n";
		return;
	}
	ASSERT_TRUE(egl.ok()) << egl.error().describe();
	EXPECT_EQ(any->label(), "EGL on the software device");
	Result<GpuMemoryReport> report =
		probeAndRecord({ GpuApi::Gles, kSoftwareDevice, "",
				 egl->renderer() + "; " + egl->glVersion() + "; " + egl->label() },
			       "software");
	ASSERT_TRUE(report.ok()) << report.error().describe();
	expectEveryKindTried(*report, false);
	for (MemoryKind kind : { MemoryKind::SystemHeap, MemoryKind::CmaHeap, MemoryKind::Udmabuf,
				 MemoryKind::V4l2Export })
		EXPECT_EQ(outcomeOf(*report, kind), Outcome::Usable) << memoryKindName(kind) << "\n"
								     << describe(*report);
	EXPECT_EQ(outcomeOf(*report, MemoryKind::OwnDumb), Outcome::Unavailable)
		<< "no DRM device of its own";
}

TEST_F(GpuProbe, ReportsAreCachedPerDriverVersion)
{
	Result<DrmDevice> drm = DrmDevice::openByDriver("vgem");
	DMABRIDGE_REQUIRE_DEVICE(drm.ok(), "vgem");
	Result<EglDevice> egl = EglDevice::open(*drm);
	ASSERT_TRUE(egl.ok()) << egl.error().describe();
	GpuProbeTarget target = glTarget(*drm, *egl);

	Result<GpuMemoryReport> first = probeGpuMemory(target);
	ASSERT_TRUE(first.ok()) << first.error().describe();
	ASSERT_FALSE(first->fromCache);

	double inProcess = 0;
	Result<GpuMemoryReport> again = timedProbe(target, inProcess);
	ASSERT_TRUE(again.ok());
	expectFromCache(*again, *first);

	/* Another process (here: this one, forgetting) reads the file. */
	forgetGpuMemoryReports();
	std::error_code ec;
	EXPECT_FALSE(std::filesystem::is_empty(cache_.path() / "dmabridge-gpu", ec))
		<< "no report written to the file cache";
	EXPECT_FALSE(ec) << ec.message();
	double fileRead = 0;
	Result<GpuMemoryReport> fromFile = timedProbe(target, fileRead);
	ASSERT_TRUE(fromFile.ok());
	expectFromCache(*fromFile, *first);
	EXPECT_EQ(fromFile->summary(), first->summary());
	std::cout << "probe " << first->seconds << " s; cached in the process " << inProcess
		  << " s, from the file " << fileRead << " s\n";
	RecordProperty("cached_in_process_seconds", std::to_string(inProcess));
	RecordProperty("cached_file_seconds", std::to_string(fileRead));

	/* Another driver version is another key: probed afresh. */
	GpuProbeTarget other = target;
	other.key += " (another version)";
	Result<GpuMemoryReport> otherReport = probeGpuMemory(other);
	ASSERT_TRUE(otherReport.ok());
	EXPECT_FALSE(otherReport->fromCache);
}

/* The fault this names is injected: the probe process crashes on the system heap. */
TEST_F(GpuProbe, ACrashTakesDownOnlyTheProbeProcess)
{
	Result<DrmDevice> drm = DrmDevice::openByDriver("vgem");
	DMABRIDGE_REQUIRE_DEVICE(drm.ok(), "vgem");
	Result<EglDevice> egl = EglDevice::open(*drm);
	ASSERT_TRUE(egl.ok()) << egl.error().describe();
	::setenv("DMABRIDGE_GPU_PROBE_CRASH", "system-heap", 1);
	Result<GpuMemoryReport> report = probeGpuMemory(glTarget(*drm, *egl));
	ASSERT_TRUE(report.ok()) << report.error().describe();
	EXPECT_EQ(outcomeOf(*report, MemoryKind::SystemHeap), Outcome::Crashed);
	for (const MemoryProbeResult &result : report->results) {
		if (result.kind != MemoryKind::SystemHeap)
			continue;
		EXPECT_NE(result.detail.find("died of signal 11"), std::string::npos)
			<< result.detail;
	}
	EXPECT_EQ(outcomeOf(*report, MemoryKind::OwnDumb), Outcome::Usable) << describe(*report);
	EXPECT_GE(report->processes, 2u);
	EXPECT_NE(report->summary().find("crashed on system heap"), std::string::npos)
		<< report->summary();
}

TEST_F(GpuProbe, VulkanDriverImportsOrSaysWhichExtensionIsMissing)
{
	DMABRIDGE_REQUIRE_DEVICE(DrmDevice::openByDriver("vgem").ok(), "the virtual board");
	Result<VkConverter> vulkan = VkConverter::create();
	if (!test::mesaImportsAnyDmaBuf()) {
		test::expectVulkanImportMissing(vulkan.ok(), vulkan.error().message());
		return;
	}
	ASSERT_TRUE(vulkan.ok()) << vulkan.error().describe();
	Result<DeviceConstraints> gpu = vulkan->probe();
	ASSERT_TRUE(gpu.ok()) << gpu.error().describe();
	std::cout << "Vulkan: " << gpu->usableMemory.source << "\n";
	for (MemoryKind kind : { MemoryKind::SystemHeap, MemoryKind::CmaHeap, MemoryKind::Udmabuf })
		EXPECT_TRUE(gpu->usableMemory.value.has(kind))
			<< memoryKindName(kind) << ": " << gpu->usableMemory.source;
	EXPECT_EQ(gpu->usableMemory.source.rfind("probed (", 0), 0u);
	for (uint32_t fourcc : { DRM_FORMAT_XRGB8888, DRM_FORMAT_NV12, DRM_FORMAT_YUYV })
		EXPECT_TRUE(gpu->acceptsFormat(fourcc)) << fourccToString(fourcc);
	bool rendersXrgb = false;
	for (const FormatModifiers &format : vulkan->renderFormats())
		rendersXrgb = rendersXrgb || format.fourcc == DRM_FORMAT_XRGB8888;
	EXPECT_TRUE(rendersXrgb);
}

} /* namespace */
