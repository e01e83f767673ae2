/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "library_log.h"

#include <algorithm>
#include <string>

#include <gst/gst.h>

#include <dmabridge/log.h>

namespace dmabridge::gst {

namespace {

constexpr GstDebugLevel kGstLevels[] = { GST_LEVEL_ERROR, GST_LEVEL_WARNING, GST_LEVEL_INFO,
					 GST_LEVEL_DEBUG };

GstDebugCategory *gstCategories[std::size(kLogCategories)];

/* The library level that lets through what threshold shows. */
LogLevel libraryLevel(GstDebugLevel threshold)
{
	LogLevel level = LogLevel::Error;
	for (size_t i = 0; i < std::size(kGstLevels); i++)
		if (threshold >= kGstLevels[i])
			level = LogLevel(i);
	return level;
}

} /* namespace */

void forwardLibraryLog()
{
	for (LogCategory category : kLogCategories) {
		std::string name = std::string("dmabridge-lib-") + logCategoryName(category);
		std::replace(name.begin(), name.end(), '.', '-');
		GstDebugCategory *gstCategory = _gst_debug_category_new(
			name.c_str(), 0,
			(std::string("libdmabridge's ") + logCategoryName(category)).c_str());
		gstCategories[int(category)] = gstCategory;
		LogLevel wanted = libraryLevel(gst_debug_category_get_threshold(gstCategory));
		if (wanted > logLevel(category))
			setLogLevel(category, wanted);
	}
	setLogSink([](LogCategory category, LogLevel level, std::string_view message) {
		GST_CAT_LEVEL_LOG(gstCategories[int(category)], kGstLevels[int(level)], nullptr,
				  "%.*s", int(message.size()), message.data());
	});
}

} /* namespace dmabridge::gst */
