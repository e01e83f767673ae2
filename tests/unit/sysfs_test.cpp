/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the probes read from sysfs, from trees in the shape of real boards
 * (tests/unit/sysfs), through DMABRIDGE_SYSFS_ROOT and the same code that reads /sys.
 */
#include <cstdlib>
#include <gtest/gtest.h>

#include "device/sysfs.h"

using namespace dmabridge;

namespace {

class SysfsTree : public ::testing::Test
{
protected:
	void use(const std::string &board)
	{
		std::string root = std::string(DMABRIDGE_TEST_DATA) + "/sysfs/" + board;
		ASSERT_EQ(::setenv("DMABRIDGE_SYSFS_ROOT", root.c_str(), 1), 0);
	}
	void TearDown() override { ::unsetenv("DMABRIDGE_SYSFS_ROOT"); }
};

/*
 * RK3399: the DRM card's device is the virtual display-subsystem, without an iommu_group;
 * the VOPs it is made of each sit behind their own IOMMU, so the display translates.
 */
TEST_F(SysfsTree, Rk3399DisplayIsBehindItsComponentsIommus)
{
	use("rk3399");
	std::string device = internal::sysfsDeviceOf("drm", "/dev/dri/card0");
	EXPECT_NE(device.find("display-subsystem"), std::string::npos) << device;
	Derived<bool> iommu = internal::iommuOf(device);
	EXPECT_TRUE(iommu.value) << iommu.source;
	EXPECT_NE(iommu.source.find("ff8f0000.vop"), std::string::npos) << iommu.source;
	EXPECT_NE(iommu.source.find("ff900000.vop"), std::string::npos) << iommu.source;
	EXPECT_NE(iommu.source.find("type DMA"), std::string::npos) << iommu.source;
}

TEST_F(SysfsTree, ComponentDeviceReadDirectly)
{
	use("rk3399");
	Derived<bool> iommu = internal::iommuOf(std::string(DMABRIDGE_TEST_DATA) +
						"/sysfs/rk3399/devices/platform/ff900000.vop");
	EXPECT_TRUE(iommu.value) << iommu.source;
	EXPECT_NE(iommu.source.find("iommu_group 2 (type DMA)"), std::string::npos) << iommu.source;
}

/*
 * The arm64 board with an IOMMU (tools/vboard run --arch arm64 --iommu), captured there
 * with tools/capture-sysfs: virtio-gpu's card is its PCI function, in an SMMUv3 group of
 * type DMA; the platform devices (vivid, vkms) have none.
 */
TEST_F(SysfsTree, VirtioGpuBehindTheSmmuTranslates)
{
	use("vboard-arm64-iommu");
	std::string device = internal::sysfsDeviceOf("drm", "/dev/dri/card2");
	EXPECT_NE(device.find("0000:00:06.0"), std::string::npos) << device;
	Derived<bool> iommu = internal::iommuOf(device);
	EXPECT_TRUE(iommu.value) << iommu.source;
	EXPECT_NE(iommu.source.find("iommu_group 5 (type DMA)"), std::string::npos) << iommu.source;
}

TEST_F(SysfsTree, PlatformDevicesBesideTheSmmuDontTranslate)
{
	use("vboard-arm64-iommu");
	for (auto [cls, node] :
	     { std::pair{ "drm", "/dev/dri/card1" }, std::pair{ "video4linux", "/dev/video7" } }) {
		std::string device = internal::sysfsDeviceOf(cls, node);
		ASSERT_NE(device, "") << node;
		Derived<bool> iommu = internal::iommuOf(device);
		EXPECT_FALSE(iommu.value) << node << ": " << iommu.source;
	}
}

TEST_F(SysfsTree, NodeThatIsNotThereHasNoDevice)
{
	use("rk3399");
	EXPECT_EQ(internal::sysfsDeviceOf("drm", "/dev/dri/card7"), "");
	EXPECT_FALSE(internal::iommuOf("").value);
}

} /* namespace */
