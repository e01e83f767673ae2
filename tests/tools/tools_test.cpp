/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridge-plan on the board profiles: every board pipeline in pipelines/ names the plan
 * it expects ("# plan: ..."), and the planner's text for it is held in a golden file
 * under tests/tools/golden/. A change to the planner or a profile that changes a decision
 * must update them on purpose: DMABRIDGE_UPDATE_GOLDEN=1 rewrites them, and fails the run
 * so that no run that refreshes them counts as a pass.
 * Also: the tools' errors for unknown boards, devices and formats, and bad arguments.
 */
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

struct Ran
{
	int status = -1;
	std::string output;
};

Ran run(const std::string &arguments, bool withStderr = false)
{
	/* A cross build runs it through its cross file's exe_wrapper (QEMU). */
	const char *runner = std::getenv("MESON_EXE_WRAPPER");
	std::string command = std::string(runner ? runner : "") + " " + DMABRIDGE_PLAN + " " +
			      arguments + (withStderr ? " 2>&1" : " 2>/dev/null");
	Ran ran;
	FILE *pipe = popen(command.c_str(), "r");
	if (!pipe)
		return ran;
	char buffer[4096];
	size_t n;
	while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0)
		ran.output.append(buffer, n);
	int status = pclose(pipe);
	ran.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return ran;
}

std::string readFile(const fs::path &path)
{
	std::ifstream file(path);
	std::ostringstream text;
	text << file.rdbuf();
	return text.str();
}

/* (board, script, arguments) for every "# plan:" line of a board's pipelines. */
struct BoardPipeline
{
	std::string board;
	std::string script;
	std::string arguments;
};

std::vector<BoardPipeline> boardPipelines()
{
	std::vector<BoardPipeline> found;
	fs::path root = fs::path(DMABRIDGE_SOURCE_ROOT);
	for (const char *board : { "rpi4", "rpi5", "rk3399", "imx8mp" }) {
		for (const auto &entry : fs::directory_iterator(root / "pipelines" / board)) {
			std::istringstream lines(readFile(entry.path()));
			std::string line;
			bool any = false;
			while (std::getline(lines, line))
				if (line.rfind("# plan: ", 0) == 0) {
					found.push_back({ board, entry.path().stem().string(),
							  line.substr(8) });
					any = true;
				}
			EXPECT_TRUE(any) << entry.path() << " names no plan ('# plan: ...')";
		}
	}
	return found;
}

TEST(BoardPlans, MatchTheGoldenFiles)
{
	std::vector<BoardPipeline> pipelines = boardPipelines();
	ASSERT_GE(pipelines.size(), 8u);
	bool update = std::getenv("DMABRIDGE_UPDATE_GOLDEN") != nullptr;
	for (const BoardPipeline &p : pipelines) {
		Ran ran = run("--board " + p.board + " " + p.arguments);
		EXPECT_EQ(ran.status, 0) << p.board << "/" << p.script;
		fs::path golden = fs::path(DMABRIDGE_SOURCE_ROOT) / "tests" / "tools" / "golden" /
				  (p.board + "-" + p.script + ".txt");
		if (update) {
			/* Never a pass: a run that refreshes the files can't also vouch for them.
			 */
			bool changed = readFile(golden) != ran.output;
			std::ofstream(golden) << ran.output;
			ADD_FAILURE() << golden << (changed ? " rewritten" : " unchanged")
				      << " (DMABRIDGE_UPDATE_GOLDEN): review the files, commit "
					 "them, and run without it";
			continue;
		}
		EXPECT_EQ(ran.output, readFile(golden))
			<< golden << " differs: if the change is meant, rerun with "
			<< "DMABRIDGE_UPDATE_GOLDEN=1 and commit the files";
	}
}

TEST(BoardPlans, SayWhereEachFactCameFrom)
{
	Ran ran = run("--board rpi4 --producer unicam --consumer vc4 --format YUYV --size "
		      "1920x1080");
	ASSERT_EQ(ran.status, 0);
	EXPECT_NE(ran.output.find("dma-buf heap (linux,cma)"), std::string::npos) << ran.output;
	EXPECT_NE(ran.output.find("bcm2835-unicam.c queues with vb2_dma_contig_memops"),
		  std::string::npos)
		<< ran.output;
}

TEST(BoardPlans, NoZeroCopyPlanNamesTheDeviceAndTheRemedy)
{
	Ran ran = run("--board imx8mp --producer mxc-isi --consumer etnaviv --format RGB888 "
		      "--size 1920x1080");
	ASSERT_EQ(ran.status, 0);
	EXPECT_NE(ran.output.find("no zero-copy plan"), std::string::npos) << ran.output;
	EXPECT_NE(ran.output.find("etnaviv does not take RGB888"), std::string::npos) << ran.output;
	EXPECT_NE(ran.output.find("to avoid it: use NV12"), std::string::npos) << ran.output;
}

struct Failing
{
	const char *arguments;
	int status;
	const char *message;
};

class PlanErrors : public ::testing::TestWithParam<Failing>
{
};

TEST_P(PlanErrors, ExitWithAReason)
{
	Ran ran = run(GetParam().arguments, true);
	EXPECT_EQ(ran.status, GetParam().status) << ran.output;
	EXPECT_NE(ran.output.find(GetParam().message), std::string::npos) << ran.output;
}

INSTANTIATE_TEST_SUITE_P(
	Arguments, PlanErrors,
	::testing::Values(
		Failing{ "--board rpi9 --list", 1,
			 "no board profile 'rpi9' (there are: imx8mp, "
			 "rk3399, rpi4, rpi5)" },
		Failing{ "--board rpi4 --producer imx219 --consumer vc4 --format NV12 --size "
			 "64x64",
			 1,
			 "board rpi4 has no device 'imx219' (it has unicam, vc4, v3d, "
			 "bcm2835-codec-decode, bcm2835-codec-encode)" },
		Failing{ "--board rpi4 --producer unicam --consumer vc4 --format NV99 --size "
			 "64x64",
			 1, "unknown format 'NV99'" },
		Failing{ "--board rpi4 --producer unicam --consumer vc4 --format NV12 --size "
			 "64x64",
			 1, "does not produce NV12" },
		Failing{ "--board rpi4 --producer unicam --consumer vc4 --format YUYV --size "
			 "70000x70000",
			 1, "70000" },
		Failing{ "--board /nonexistent/x.board --list", 1,
			 "cannot read board profile /nonexistent/x.board" },
		Failing{ "--producer nosuchcamera --consumer vkms --format NV12 --size 64x64", 1,
			 "no device 'nosuchcamera' on this machine" },
		Failing{ "--producer a --consumer b --format NV12 --size 64", 2,
			 "--size is WIDTHxHEIGHT" },
		Failing{ "--producer a --format NV12", 2, "usage:" },
		Failing{ "--frobnicate", 2, "unknown argument '--frobnicate'" }),
	[](const auto &param) { return "Case" + std::to_string(param.index); });

TEST(BoardPlans, ListShowsTheProfile)
{
	Ran ran = run("--board rk3399 --list");
	ASSERT_EQ(ran.status, 0);
	EXPECT_NE(ran.output.find("rockchip-rga"), std::string::npos);
	EXPECT_NE(ran.output.find("below 4 GiB"), std::string::npos) << ran.output;
}

} /* namespace */
