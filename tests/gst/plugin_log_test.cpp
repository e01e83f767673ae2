/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library's log in GStreamer's debug system: with GST_DEBUG=dmabridge-lib-plan:4 (set
 * by meson for this program, so it holds before the plugin loads), the plan the source
 * makes for its camera reaches a log function under that category, at INFO, with the
 * camera's name and the heap, once per negotiation, not per frame.
 */
#include <gtest/gtest.h>
#include <mutex>
#include <string>
#include <vector>

#include <gst/gst.h>

#include <dmabridge/v4l2.h>

#include "../../tools/common/pipeline_run.h"
#include "../device/board.h"

using namespace dmabridge;

namespace {

struct Captured
{
	std::mutex lock;
	std::vector<std::pair<std::string, GstDebugLevel>> messages; /* "category: text" */
};

void capture(GstDebugCategory *category, GstDebugLevel level, const gchar *, const gchar *, gint,
	     GObject *, GstDebugMessage *message, gpointer data)
{
	std::string name = gst_debug_category_get_name(category);
	if (name.rfind("dmabridge-lib-", 0) != 0)
		return;
	auto *captured = static_cast<Captured *>(data);
	std::lock_guard<std::mutex> locker(captured->lock);
	captured->messages.emplace_back(name + ": " + gst_debug_message_get(message), level);
}

TEST(LibraryLog, ThePlanReachesGStreamersDebugLog)
{
	DMABRIDGE_REQUIRE_DEVICE(V4l2Device::openByName("vivid-000").ok(), "vivid-000");
	Captured captured;
	gst_debug_remove_log_function(gst_debug_log_default);
	gst_debug_add_log_function(capture, &captured, nullptr);
	tools::PipelineRun run = tools::runPipeline(
		"dmabridgev4l2src device-name=vivid-000 num-buffers=3 ! fakesink", 60);
	gst_debug_remove_log_function(capture);
	gst_debug_add_log_function(gst_debug_log_default, nullptr, nullptr);
	ASSERT_TRUE(run.finished) << run.error;

	ASSERT_TRUE(_gst_debug_get_category("dmabridge-lib-device-v4l2"))
		<< "no GStreamer category for the library's device.v4l2";
	std::vector<std::string> plans;
	for (const auto &[text, level] : captured.messages)
		if (level == GST_LEVEL_INFO &&
		    text.rfind("dmabridge-lib-plan: for vivid-000", 0) == 0)
			plans.push_back(text);
	ASSERT_FALSE(plans.empty()) << captured.messages.size() << " library messages, no plan";
	EXPECT_NE(plans.front().find("Buffers come from"), std::string::npos) << plans.front();
	EXPECT_LE(plans.size(), 2u) << "a plan per frame, not per negotiation";
}

} /* namespace */
