/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include <dmabridge/error.h>
#include <dmabridge/log.h>

namespace dmabridge::internal {

bool logEnabled(LogCategory category, LogLevel level);
void logMessage(LogCategory category, LogLevel level, const std::string &message);

/* Logs what make() returns, building the message only when the level is enabled. */
template<typename Make>
void log(LogCategory category, LogLevel level, Make &&make)
{
	if (logEnabled(category, level))
		logMessage(category, level, make());
}

/* A device refused a buffer: logged as a warning with its reason, and returned. */
Error refusedImport(LogCategory category, Error error);

} /* namespace dmabridge::internal */
