/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "markdown.h"

#include <cstdio>

namespace dmabridge::bench {

std::string fixed(double value, int decimals)
{
	if (value < 0 || value != value)
		return "-";
	char text[32];
	std::snprintf(text, sizeof(text), "%.*f", decimals, value);
	return text;
}

std::string sizeName(uint32_t width, uint32_t height)
{
	return std::to_string(width) + "x" + std::to_string(height);
}

std::string countedSpan(unsigned first, unsigned last, unsigned frames)
{
	return "from frame " + std::to_string(first) + " to frame " + std::to_string(last) +
	       " of a " + std::to_string(frames) + "-frame run";
}

std::string functionTable(const std::vector<FunctionCost> &functions, const char *unit)
{
	std::string text = std::string("| function | ") + unit + " |\n|---|---|\n";
	for (const FunctionCost &function : functions) {
		std::string name = function.name.size() > 120 ? function.name.substr(0, 117) + "..."
							      : function.name;
		text += "| `" + name + "` | " + fixed(function.perFrame, 0) + " |\n";
	}
	return text;
}

} /* namespace dmabridge::bench */
