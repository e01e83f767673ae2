/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Constraints of known drivers that no UAPI reveals. Keyed by the driver name the probes
 * read (V4L2 VIDIOC_QUERYCAP driver, DRM drmGetVersion name, GL renderer). A quirk never
 * overrides what sysfs showed about an IOMMU: the same display driver (vc4) sits behind
 * one on a Raspberry Pi 5 and not on a Pi 4.
 */
#include <array>
#include <cstdlib>
#include <optional>
#include <sstream>

#include <dmabridge/quirks.h>

namespace dmabridge {

namespace {

struct Quirk
{
	std::string_view driver;
	std::optional<bool> contiguous;
	std::optional<bool> iommu;
	uint64_t addressLimit; /* 0: none known */
	uint32_t strideAlign;  /* 0: none known */
	std::string_view source;
};

constexpr uint64_t kGiB = 1ull << 30;

const std::array kQuirks = {
	Quirk{ "vc4", true, std::nullopt, 1 * kGiB, 0,
	       "Raspberry Pi 4: the vc4 display (HVS) has no IOMMU and reaches only the low "
	       "1 GiB; rpicam-apps allocates from vidbuf_cached, the CMA heap on a Pi 4" },
	Quirk{ "unicam", true, false, 1 * kGiB, 0,
	       "Raspberry Pi 4: bcm2835-unicam captures with vb2-dma-contig and has no IOMMU" },
	Quirk{ "rockchip", std::nullopt, true, 0, 0,
	       "RK3399: the VOP display controllers sit behind their own IOMMUs (vopb_mmu, "
	       "vopl_mmu in rk3399.dtsi)" },
	Quirk{ "rkisp1", std::nullopt, true, 0, 0,
	       "RK3399: the ISP sits behind its own IOMMU (isp0_mmu in rk3399.dtsi)" },
	Quirk{ "rockchip-rga", true, false, 4 * kGiB, 0,
	       "Rockchip RGA: no IOMMU and a 32-bit DMA mask (rga.c sets DMA_BIT_MASK(32))" },
	Quirk{ "imx-lcdif", true, false, 0, 0,
	       "i.MX8MP: LCDIF scans out through the GEM DMA helpers and has no IOMMU" },
	Quirk{ "mxc-isi", true, false, 0, 0,
	       "i.MX8MP: the ISI captures with vb2-dma-contig and has no IOMMU" },
	Quirk{ "vkms", false, std::nullopt, 0, 0,
	       "vkms composes in software through a kernel mapping of the pages (GEM shmem "
	       "helpers): scattered pages are fine" },
	Quirk{ "vgem", false, std::nullopt, 0, 0,
	       "vgem's objects are shmem pages and it maps any import: scattered pages are "
	       "fine" },
	Quirk{ "llvmpipe", std::nullopt, std::nullopt, 0, 64,
	       "Mesa's software GL driver crashed sampling rows not 64-byte aligned (a "
	       "1366-byte NV12 luma row in the virtual board, Mesa 22.3); it aligns its own "
	       "rows to 64. Which memory it can use is probed, not listed here" },
};

const Quirk *findQuirk(std::string_view driver)
{
	for (const Quirk &quirk : kQuirks)
		if (quirk.driver == driver)
			return &quirk;
	return nullptr;
}

} /* namespace */

unsigned applyQuirks(DeviceConstraints &device)
{
	const Quirk *quirk = findQuirk(device.driver);
	if (!quirk)
		return 0;

	std::string source = "quirk table: " + std::string(quirk->source);
	if (quirk->contiguous) {
		/* A driver that needs contiguous memory allocates it too (and vice versa). */
		device.contiguous = { *quirk->contiguous, source };
		device.exportsContiguous = device.contiguous;
	}
	if (quirk->iommu && device.iommu.source.rfind("sysfs", 0) != 0)
		device.iommu = { *quirk->iommu, source };
	if (quirk->addressLimit)
		device.addressLimit = { quirk->addressLimit, source };
	if (quirk->strideAlign) {
		device.alignment.value.stride = quirk->strideAlign;
		device.alignment.source = source;
	}
	return 1;
}

bool applyScatterGatherOverride(DeviceConstraints &device)
{
	const char *names = std::getenv("DMABRIDGE_ASSUME_SCATTER_GATHER");
	std::istringstream list(names ? names : "");
	for (std::string name; std::getline(list, name, ',');) {
		if (name != device.name)
			continue;
		device.contiguous = { false, "DMABRIDGE_ASSUME_SCATTER_GATHER names it: its probe "
					     "is overridden to take scattered pages (for tests)" };
		return true;
	}
	return false;
}

} /* namespace dmabridge */
