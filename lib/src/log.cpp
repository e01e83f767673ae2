/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The library's log: levels per category, DMABRIDGE_LOG, and the sink messages go to. */
#include "internal/log.h"

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <vector>

namespace dmabridge {

namespace {

constexpr const char *kCategoryNames[] = {
	"alloc", "buffer", "device.v4l2", "device.drm", "device.egl", "plan", "gpu",
};
static_assert(std::size(kCategoryNames) == std::size(kLogCategories));

constexpr const char *kLevelNames[] = { "error", "warning", "info", "debug" };

constexpr LogLevel kDefaultLevel = LogLevel::Warning;

struct LogState
{
	std::array<std::atomic<int>, std::size(kCategoryNames)> levels;
	std::once_flag environment;
	std::mutex sinkLock;
	LogSink sink;

	LogState()
	{
		for (std::atomic<int> &level : levels)
			level = int(kDefaultLevel);
	}
};

LogState &state()
{
	static LogState instance;
	return instance;
}

std::optional<LogLevel> parseLevel(std::string_view text)
{
	for (size_t i = 0; i < std::size(kLevelNames); i++)
		if (text == kLevelNames[i] || (text.size() == 1 && text[0] == char('0' + i)))
			return LogLevel(i);
	return std::nullopt;
}

bool matches(std::string_view pattern, std::string_view name)
{
	if (!pattern.empty() && pattern.back() == '*')
		return name.substr(0, pattern.size() - 1) == pattern.substr(0, pattern.size() - 1);
	return pattern == name;
}

/* The entries of a list, each as pattern and level; nullopt if one doesn't parse. */
std::optional<std::vector<std::pair<std::string_view, LogLevel>>> parseSpec(std::string_view spec)
{
	std::vector<std::pair<std::string_view, LogLevel>> entries;
	while (!spec.empty()) {
		size_t comma = spec.find(',');
		std::string_view entry = spec.substr(0, comma);
		spec = comma == std::string_view::npos ? "" : spec.substr(comma + 1);
		if (entry.empty())
			continue;
		size_t colon = entry.rfind(':');
		std::optional<LogLevel> level = colon == std::string_view::npos
							? std::nullopt
							: parseLevel(entry.substr(colon + 1));
		if (!level)
			return std::nullopt;
		entries.emplace_back(entry.substr(0, colon), *level);
	}
	return entries;
}

bool applySpec(std::string_view spec)
{
	auto entries = parseSpec(spec);
	if (!entries)
		return false;
	for (auto [pattern, level] : *entries)
		for (LogCategory category : kLogCategories)
			if (matches(pattern, logCategoryName(category)))
				state().levels[int(category)] = int(level);
	return true;
}

/* Once, before the first level is read or set: what the application sets overrides it. */
void readEnvironment()
{
	std::call_once(state().environment, [] {
		const char *spec = std::getenv("DMABRIDGE_LOG");
		if (spec && !applySpec(spec))
			std::fprintf(stderr,
				     "dmabridge: DMABRIDGE_LOG=%s is not a list of category:level "
				     "(levels: error, warning, info, debug)\n",
				     spec);
	});
}

} /* namespace */

const char *logCategoryName(LogCategory category)
{
	return kCategoryNames[int(category)];
}

const char *logLevelName(LogLevel level)
{
	return kLevelNames[int(level)];
}

bool setLogLevels(std::string_view spec)
{
	readEnvironment();
	return applySpec(spec);
}

void setLogLevel(LogCategory category, LogLevel level)
{
	readEnvironment();
	state().levels[int(category)] = int(level);
}

LogLevel logLevel(LogCategory category)
{
	readEnvironment();
	return LogLevel(state().levels[int(category)].load());
}

void setLogSink(LogSink sink)
{
	std::lock_guard<std::mutex> locker(state().sinkLock);
	state().sink = std::move(sink);
}

namespace internal {

bool logEnabled(LogCategory category, LogLevel level)
{
	return level <= logLevel(category);
}

void logMessage(LogCategory category, LogLevel level, const std::string &message)
{
	LogSink sink;
	{
		std::lock_guard<std::mutex> locker(state().sinkLock);
		sink = state().sink;
	}
	if (sink)
		sink(category, level, message);
	else
		std::fprintf(stderr, "dmabridge %s %s: %s\n", logLevelName(level),
			     logCategoryName(category), message.c_str());
}

Error refusedImport(LogCategory category, Error error)
{
	log(category, LogLevel::Warning, [&] { return "import refused: " + error.describe(); });
	return error;
}

} /* namespace internal */

} /* namespace dmabridge */
