/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <dmabridge/public.h>

DMABRIDGE_PUBLIC_BEGIN

namespace dmabridge {

/*
 * What the library says while it works: refused imports, fallbacks, re-plans and the
 * plans themselves, each under the category of the component that decided, so a user on a
 * board can see why without a debugger. Nothing is logged per frame at the default level.
 *
 * DMABRIDGE_LOG chooses the levels, as a list of category:level read at the first message
 * ("plan:debug,device.*:info"; a category ending in * covers those that start so; "*" all;
 * the last entry that matches wins). Without it, warnings and errors are logged. Messages
 * go to stderr unless an application installs its own sink.
 */
enum class LogLevel
{
	Error,
	Warning,
	Info,
	Debug
};

enum class LogCategory
{
	Alloc,
	Buffer,
	DeviceV4l2,
	DeviceDrm,
	DeviceEgl,
	Plan,
	Gpu
};

/* "alloc", "device.v4l2", ...: the names DMABRIDGE_LOG and the sinks use. */
const char *logCategoryName(LogCategory category);
const char *logLevelName(LogLevel level);
inline constexpr LogCategory kLogCategories[] = {
	LogCategory::Alloc,     LogCategory::Buffer,    LogCategory::DeviceV4l2,
	LogCategory::DeviceDrm, LogCategory::DeviceEgl, LogCategory::Plan,
	LogCategory::Gpu,
};

/* Levels from a DMABRIDGE_LOG-style list; false, and nothing changed, if it doesn't parse. */
bool setLogLevels(std::string_view spec);
void setLogLevel(LogCategory category, LogLevel level);
LogLevel logLevel(LogCategory category);

/*
 * Where messages go instead of stderr (a GStreamer plugin: its debug system). Called on
 * the thread that logs, possibly several at once; an empty function restores stderr.
 */
using LogSink = std::function<void(LogCategory, LogLevel, std::string_view message)>;
void setLogSink(LogSink sink);

} /* namespace dmabridge */

DMABRIDGE_PUBLIC_END
