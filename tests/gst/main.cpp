/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <gtest/gtest.h>

#include <gst/gst.h>

int main(int argc, char **argv)
{
	gst_init(&argc, &argv);
	::testing::InitGoogleTest(&argc, argv);
	return RUN_ALL_TESTS();
}
