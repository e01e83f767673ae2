/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The decoding rows: a V4L2 stateful decoder (vicodec's FWHT) into the display, ours
 * (dmabridgev4l2dec ! dmabridgekmssink) against upstream's (v4l2fwhtdec ! kmssink).
 */
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace dmabridge::bench {

struct M2mResult
{
	std::string name;   /* "ours", "upstream" */
	std::string stream; /* what was decoded: "FWHT 640x480" */
	double frames = 0;
	double copiesPerFrame = -1;
	double bytesCopiedPerFrame = -1;
	double instructionsPerFrame = -1; /* user space, from callgrind */
	double cpuMsPerFrame = -1;
	std::string error;
};

/*
 * One pipeline measured as the decoding rows are: once for CPU time and copies (ours: the
 * dmabridge-stats of the elements named, by name; upstream's: GST_PERFORMANCE), then
 * under callgrind from frame warmup to last of frames for instructions per frame.
 */
struct RowPipeline
{
	std::string name, stream;
	std::function<std::string(unsigned frames)> pipeline;
	std::vector<std::string> ours; /* empty: an upstream pipeline */
	unsigned timed, counted, warmup, last;
};
M2mResult measurePipeline(const std::string &self, const RowPipeline &row);

/*
 * Measures each row (measurePipeline()), appending each result to raw as a tag line and
 * writing raw to rawPath after each: a run stopped halfway keeps its rows. With onlyRow,
 * only the rows of that name ("upstream GL"): the caller kept the others' last results.
 */
std::vector<M2mResult> measureRows(const std::string &self, const char *tag,
				   const std::vector<RowPipeline> &rows, std::string &raw,
				   const std::string &rawPath, const std::string &onlyRow = {});

/* A result as a raw line with tag first ("m2m", "gpu"), and back. */
std::string rawLine(const char *tag, const M2mResult &result);
bool readResultLine(const char *tag, const std::string &line, M2mResult &result);

/* The rows of a table of results (its header in m2mTable()). */
std::string resultRows(const std::vector<M2mResult> &results);
constexpr const char *kResultHeader =
	"| pipeline | stream | frames | copies/frame | bytes copied/frame | "
	"instructions/frame | CPU ms/frame | result |\n|---|---|---|---|---|---|---|---|\n";

/*
 * Runs each decoder pipeline (and the encoder feeding both, alone): once in a child
 * process for CPU time and copies, and twice under callgrind (two lengths, so that
 * start-up cancels out) for instructions per frame. self is this program, run with
 * --child. Each result is also appended to raw.
 */
std::vector<M2mResult> runM2m(const std::string &self, std::string &raw, const std::string &rawPath,
			      const std::string &onlyRow = {});

/* A raw line ("m2m\t...") back into a result; false when it isn't one. */
bool readM2mLine(const std::string &line, M2mResult &result);

/* The decoding section of BENCHMARKS.md. */
std::string m2mTable(const std::vector<M2mResult> &results);

} /* namespace dmabridge::bench */
