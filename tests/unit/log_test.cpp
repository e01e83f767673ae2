/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library's log levels (DMABRIDGE_LOG, the API) and its sink. */
#include <cstdlib>
#include <gtest/gtest.h>
#include <vector>

#include <dmabridge/log.h>

#include "../../lib/src/internal/log.h"

using namespace dmabridge;

namespace {

/* First in this program: DMABRIDGE_LOG is read before the first level is. */
TEST(LogLevels, ReadFromTheEnvironmentOnce)
{
	::setenv("DMABRIDGE_LOG", "plan:debug,device.*:info", 1);
	EXPECT_EQ(logLevel(LogCategory::Plan), LogLevel::Debug);
	EXPECT_EQ(logLevel(LogCategory::DeviceV4l2), LogLevel::Info);
	EXPECT_EQ(logLevel(LogCategory::DeviceEgl), LogLevel::Info);
	EXPECT_EQ(logLevel(LogCategory::Alloc), LogLevel::Warning) << "the default";
	::setenv("DMABRIDGE_LOG", "*:error", 1);
	EXPECT_EQ(logLevel(LogCategory::Plan), LogLevel::Debug) << "read once, at the start";
	::unsetenv("DMABRIDGE_LOG");
}

TEST(LogLevels, TheLastEntryThatMatchesWins)
{
	ASSERT_TRUE(setLogLevels("*:error,device.drm:debug"));
	EXPECT_EQ(logLevel(LogCategory::DeviceDrm), LogLevel::Debug);
	EXPECT_EQ(logLevel(LogCategory::Gpu), LogLevel::Error);
	ASSERT_TRUE(setLogLevels("device.drm:0,gpu:3"));
	EXPECT_EQ(logLevel(LogCategory::DeviceDrm), LogLevel::Error);
	EXPECT_EQ(logLevel(LogCategory::Gpu), LogLevel::Debug);
}

TEST(LogLevels, AListThatDoesNotParseChangesNothing)
{
	ASSERT_TRUE(setLogLevels("*:warning"));
	for (const char *bad : { "plan", "plan:loud", "plan:debug,alloc", "plan:debug,:x" })
		EXPECT_FALSE(setLogLevels(bad)) << bad;
	for (LogCategory category : kLogCategories)
		EXPECT_EQ(logLevel(category), LogLevel::Warning) << logCategoryName(category);
}

TEST(LogSink, GetsWhatIsEnabledAndNothingIsBuiltOtherwise)
{
	ASSERT_TRUE(setLogLevels("*:warning,plan:info"));
	std::vector<std::string> lines;
	setLogSink([&](LogCategory category, LogLevel level, std::string_view message) {
		lines.push_back(std::string(logCategoryName(category)) + " " + logLevelName(level) +
				" " + std::string(message));
	});
	unsigned built = 0;
	auto make = [&](const char *text) {
		return [&built, text] {
			built++;
			return std::string(text);
		};
	};
	internal::log(LogCategory::Plan, LogLevel::Info, make("a plan"));
	internal::log(LogCategory::Plan, LogLevel::Debug, make("per frame"));
	internal::log(LogCategory::DeviceDrm, LogLevel::Info, make("per frame too"));
	internal::log(LogCategory::DeviceDrm, LogLevel::Warning, make("refused"));
	setLogSink({});
	EXPECT_EQ(built, 2u) << "messages built for disabled levels";
	ASSERT_EQ(lines.size(), 2u);
	EXPECT_EQ(lines[0], "plan info a plan");
	EXPECT_EQ(lines[1], "device.drm warning refused");
}

} /* namespace */
