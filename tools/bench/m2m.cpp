/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Decoding into the display, ours against upstream's. Copies and bytes copied come from
 * the same child runs as the camera rows (ours from dmabridge-stats, upstream's from
 * GST_PERFORMANCE); instructions per frame from callgrind, from the warm-up frame to
 * the last (callgrind.h), so that start-up (plugin loading, caps negotiation,
 * allocation) is not in them. Callgrind counts user space only:
 * the coding itself happens in the kernel (vicodec) for both and is not in the figure,
 * which is the point: what each pipeline costs around the same device.
 */
#include "m2m.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include <gst/gst.h>

#include "callgrind.h"
#include "markdown.h"
#include "run_child.h"

namespace dmabridge::bench {

namespace {

/*
 * Frames of the timed run, and of the counted one: callgrind counts from its warm-up frame
 * to its last, a few frames before the end (upstream's decoder loses the first frame).
 */
constexpr unsigned kTimed = 150, kCounted = 80, kCountedWarmup = 10, kCountedLast = 75;

/*
 * Both decoders are fed by our encoder, live: upstream's v4l2fwhtdec (1.22) decodes
 * nothing from a file (filesrc or one frame per file with multifilesrc) on this board.
 * The encoder's share is measured alone ("encoder only"), so what each decoder and its
 * display cost is the difference.
 */
std::string pipeline(const std::string &name, unsigned frames)
{
	std::string source =
		"videotestsrc num-buffers=" + std::to_string(frames) +
		" pattern=smpte horizontal-speed=4 ! video/x-raw,format=BGRx,width=640,"
		"height=480,framerate=30/1 ! dmabridgev4l2enc name=enc ! ";
	if (name == "ours")
		return source + "dmabridgev4l2dec name=dec ! dmabridgekmssink name=sink "
				"driver-name=vkms sync=false";
	if (name == "upstream")
		return source +
		       "v4l2fwhtdec name=dec ! video/x-raw,format=BGRx ! kmssink name=sink "
		       "driver-name=vkms sync=false";
	return source + "fakesink name=sink sync=false";
}

} /* namespace */

M2mResult measurePipeline(const std::string &self, const RowPipeline &row)
{
	M2mResult result{ row.name, row.stream };
	std::string output =
		capture("timeout -k 10 900 " + childCommand(self, row.pipeline(row.timed), 1));
	double measured = outputValue(output, "measured");
	result.frames = outputValue(output, "frames");
	if (outputValue(output, "finished") != 1 || measured <= 0) {
		size_t at = output.find("error ");
		result.error = at == std::string::npos ? "no frame" : output.substr(at + 6, 160);
		return result;
	}
	result.cpuMsPerFrame = (outputValue(output, "user-us") + outputValue(output, "system-us")) /
			       1000 / measured;
	if (!row.ours.empty()) {
		double copies = 0, bytes = 0;
		for (const std::string &element : row.ours) {
			copies +=
				std::max(0.0, outputValue(output, "stats " + element + ".copies"));
			bytes += std::max(
				0.0, outputValue(output, "stats " + element + ".bytes-copied"));
		}
		result.copiesPerFrame = copies / result.frames;
		result.bytesCopiedPerFrame = bytes / result.frames;
	} else {
		result.copiesPerFrame = outputValue(output, "performance-copies") / measured;
		result.bytesCopiedPerFrame = outputValue(output, "performance-bytes") / measured;
	}
	result.instructionsPerFrame =
		countInstructions(
			childCommand(self, row.pipeline(row.counted), row.warmup, row.last),
			row.last - row.warmup)
			.perFrame;
	return result;
}

std::string rawLine(const char *tag, const M2mResult &result)
{
	char line[512];
	std::snprintf(line, sizeof(line), "%s\t%s\t%s\t%.0f\t%f\t%f\t%f\t%f\t%s\n", tag,
		      result.name.c_str(), result.stream.c_str(), result.frames,
		      result.copiesPerFrame, result.bytesCopiedPerFrame,
		      result.instructionsPerFrame, result.cpuMsPerFrame, result.error.c_str());
	return line;
}

bool readResultLine(const char *tag, const std::string &line, M2mResult &result)
{
	std::vector<std::string> f = tabFields(line);
	if (f.size() < 8 || f[0] != tag)
		return false;
	result = { f[1],
		   f[2],
		   std::atof(f[3].c_str()),
		   std::atof(f[4].c_str()),
		   std::atof(f[5].c_str()),
		   std::atof(f[6].c_str()),
		   std::atof(f[7].c_str()),
		   f.size() > 8 ? f[8] : "" };
	return true;
}

std::string resultRows(const std::vector<M2mResult> &results)
{
	std::string text;
	for (const M2mResult &r : results)
		text += "| " + r.name + " | " + r.stream + " | " + fixed(r.frames, 0) + " | " +
			fixed(r.copiesPerFrame, 2) + " | " + fixed(r.bytesCopiedPerFrame, 0) +
			" | " + fixed(r.instructionsPerFrame, 0) + " | " +
			fixed(r.cpuMsPerFrame, 2) + " | " +
			(r.error.empty() ? "ok" : "fails: " + r.error) + " |\n";
	return text;
}

std::vector<M2mResult> measureRows(const std::string &self, const char *tag,
				   const std::vector<RowPipeline> &rows, std::string &raw,
				   const std::string &rawPath, const std::string &onlyRow)
{
	std::vector<M2mResult> results;
	for (const RowPipeline &row : rows) {
		if (!onlyRow.empty() && row.name != onlyRow)
			continue;
		std::fprintf(stderr, "bench: %s, %s, %s...\n", tag, row.name.c_str(),
			     row.stream.c_str());
		results.push_back(measurePipeline(self, row));
		raw += rawLine(tag, results.back());
		std::ofstream(rawPath) << raw;
	}
	return results;
}

std::vector<M2mResult> runM2m(const std::string &self, std::string &raw, const std::string &rawPath,
			      const std::string &onlyRow)
{
	std::vector<RowPipeline> rows;
	for (std::string name : { "ours", "upstream", "encoder only" })
		rows.push_back({ name,
				 name == "encoder only"
					 ? "(what both rows above include)"
					 : "FWHT 640x480, " + std::to_string(kTimed) + " frames",
				 [name](unsigned frames) { return pipeline(name, frames); },
				 name == "upstream"
					 ? std::vector<std::string>{}
					 : std::vector<std::string>{ "enc", "dec", "sink" },
				 kTimed, kCounted, kCountedWarmup, kCountedLast });
	return measureRows(self, "m2m", rows, raw, rawPath, onlyRow);
}

bool readM2mLine(const std::string &line, M2mResult &result)
{
	return readResultLine("m2m", line, result);
}

std::string m2mTable(const std::vector<M2mResult> &results)
{
	std::string text =
		"vicodec's FWHT decoded into vkms, 640x480, fed by our encoder from videotestsrc: "
		"ours is `dmabridgev4l2dec ! dmabridgekmssink`, upstream's `v4l2fwhtdec ! "
		"kmssink` (upstream's decoder decodes nothing from a file here, so both are fed "
		"live; the encoder's share is the last row). Copies are of pictures (ours: "
		"dmabridge-stats; upstream's: GST_PERFORMANCE), not of the compressed stream. "
		"Instructions are user space only (callgrind, " +
		countedSpan(kCountedWarmup, kCountedLast, kCounted) +
		", per frame): the coding itself is in the kernel for both.\n\n" +
		std::string(kResultHeader);
	return text + resultRows(results);
}

} /* namespace dmabridge::bench */
