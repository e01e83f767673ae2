/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The parsers of the kernel's text files, on samples taken from a running kernel. */
#include <gtest/gtest.h>

#include "device/kernel_text.h"

using namespace dmabridge::internal;

namespace {

TEST(KernelText, FdinfoFields)
{
	const char *fdinfo = "pos:\t0\nflags:\t02000002\nsize:\t1228800\nexp_name:\tsystem\n"
			     "name:\tvivid-000\n";
	EXPECT_EQ(textField(fdinfo, "exp_name"), "system");
	EXPECT_EQ(textField(fdinfo, "name"), "vivid-000");
	EXPECT_EQ(textField(fdinfo, "nam"), std::nullopt) << "a key is matched whole";
	EXPECT_EQ(textField(fdinfo, "owner"), std::nullopt);
	EXPECT_EQ(textField("name:\n", "name"), "") << "present but empty";
}

TEST(KernelText, MeminfoInBytes)
{
	const char *meminfo = "MemTotal:        2030516 kB\nCmaTotal:         131072 kB\n"
			      "CmaFree:           65536 kB\nHugePages_Total:       0\n";
	EXPECT_EQ(meminfoBytes(meminfo, "CmaFree"), 65536u * 1024);
	EXPECT_EQ(meminfoBytes(meminfo, "HugePages_Total"), std::nullopt) << "not in kB";
	EXPECT_EQ(meminfoBytes("CmaFree: 99999999999999999999 kB\n", "CmaFree"), std::nullopt);
	EXPECT_EQ(meminfoBytes("CmaFree: -5 kB\n", "CmaFree"), std::nullopt);
}

TEST(KernelText, EndOfSystemRam)
{
	const char *iomem = "00000000-00000fff : Reserved\n00001000-0009fbff : System RAM\n"
			    "00100000-7ffdffff : System RAM\n  01000000-01c031d0 : Kernel code\n"
			    "100000000-17fffffff : System RAM\nfeffc000-feffffff : Reserved\n";
	EXPECT_EQ(endOfSystemRam(iomem), 0x180000000u);
	EXPECT_EQ(endOfSystemRam("00000000-00000000 : System RAM\n"), 0u)
		<< "addresses hidden from unprivileged readers";
	EXPECT_EQ(endOfSystemRam("garbage : System RAM\n-: System RAM"), 0u);
}

} /* namespace */
