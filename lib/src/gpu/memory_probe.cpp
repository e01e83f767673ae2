/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Probing what memory a GPU driver can use: runs dmabridge-gpu-probe (the executable
 * beside the library, else the installed one) for the kinds of memory there are here,
 * again after a crash for the kinds left, and caches the report per driver, version and
 * kernel: in the process, and in a file, so that a pipeline's start does not pay for it.
 */
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dmabridge/gpu_probe.h>
#include <dmabridge/heap.h>
#include <dmabridge/v4l2.h>

#include "../internal/install_location.h"

extern char **environ;

namespace dmabridge {

namespace {

using Outcome = MemoryProbeResult::Outcome;

/* Bump when what the probe does changes, so older cached reports are not read. */
constexpr int kProbeRecipe = 1;
/* A probe process that says nothing for this long is taken for hung. */
constexpr int kSilenceLimitMs = 120000;

struct OutcomeName
{
	Outcome outcome;
	const char *name;
};

constexpr OutcomeName kOutcomeNames[] = {
	{ Outcome::Usable, "usable" },
	{ Outcome::Refused, "refused" },
	{ Outcome::WrongPixels, "wrong-pixels" },
	{ Outcome::Crashed, "crashed" },
	{ Outcome::Unavailable, "unavailable" },
};

bool outcomeFromName(std::string_view name, Outcome *outcome)
{
	for (const OutcomeName &entry : kOutcomeNames)
		if (name == entry.name) {
			*outcome = entry.outcome;
			return true;
		}
	return false;
}

std::string kernelRelease()
{
	struct utsname name = {};
	return uname(&name) == 0 ? name.release : "unknown";
}

/* The kinds of memory something here can allocate: what the probe can try. */
MemoryKinds availableKinds(const GpuProbeTarget &target)
{
	MemoryKinds kinds;
	if (findHeap(false).ok())
		kinds.add(MemoryKind::SystemHeap);
	if (findHeap(true).ok())
		kinds.add(MemoryKind::CmaHeap);
	if (::access("/dev/udmabuf", F_OK) == 0)
		kinds.add(MemoryKind::Udmabuf);
	if (!target.ownDrmNode.empty())
		kinds.add(MemoryKind::OwnDumb);
	if (!V4l2Device::nodes().empty())
		kinds.add(MemoryKind::V4l2Export);
	return kinds;
}

std::string cacheKey(const GpuProbeTarget &target)
{
	return std::string(target.api == GpuApi::Vulkan ? "vulkan" : "gles") + "; " + target.key +
	       "; Linux " + kernelRelease() + "; recipe " + std::to_string(kProbeRecipe);
}

std::filesystem::path cacheFile(const std::string &key)
{
	const char *xdg = std::getenv("XDG_CACHE_HOME");
	const char *home = std::getenv("HOME");
	std::filesystem::path dir = xdg && *xdg ? std::filesystem::path(xdg)
				    : home      ? std::filesystem::path(home) / ".cache"
						: std::filesystem::path("/tmp");
	uint64_t hash = 1469598103934665603ull; /* FNV-1a */
	for (unsigned char c : key)
		hash = (hash ^ c) * 1099511628211ull;
	char name[32];
	std::snprintf(name, sizeof(name), "%016llx", static_cast<unsigned long long>(hash));
	return dir / "dmabridge-gpu" / name;
}

struct Cached
{
	GpuMemoryReport report;
	MemoryKinds available;
};

std::mutex cacheLock;
std::map<std::string, Cached> processCache;

bool readCacheFile(const std::string &key, Cached *cached)
{
	std::ifstream file(cacheFile(key));
	std::string line, word;
	if (!std::getline(file, line) || line != "key " + key)
		return false;
	while (std::getline(file, line)) {
		std::istringstream fields(line);
		fields >> word;
		if (word == "available") {
			fields >> cached->available.bits;
			continue;
		}
		if (word == "seconds") {
			fields >> cached->report.seconds;
			continue;
		}
		MemoryProbeResult result;
		std::string outcome;
		fields >> outcome;
		if (!memoryKindFromKey(word, &result.kind) ||
		    !outcomeFromName(outcome, &result.outcome))
			return false;
		std::getline(fields >> std::ws, result.detail);
		cached->report.results.push_back(std::move(result));
	}
	return !cached->report.results.empty();
}

/* Written whole, then renamed: a reader never sees half a report. */
void writeCacheFile(const std::string &key, const Cached &cached)
{
	std::filesystem::path path = cacheFile(key);
	std::error_code ec;
	std::filesystem::create_directories(path.parent_path(), ec);
	std::filesystem::path temporary = path;
	temporary += "." + std::to_string(::getpid());
	{
		std::ofstream file(temporary);
		file << "key " << key << "\navailable " << cached.available.bits << "\nseconds "
		     << cached.report.seconds << "\n";
		for (const MemoryProbeResult &result : cached.report.results)
			file << memoryKindKey(result.kind) << " " << outcomeName(result.outcome)
			     << " " << result.detail << "\n";
		if (!file)
			return;
	}
	std::filesystem::rename(temporary, path, ec);
	if (ec)
		std::filesystem::remove(temporary, ec);
}

/* dmabridge-gpu-probe of this library's build tree or installation. */
std::string helperPath()
{
	std::optional<std::filesystem::path> program = internal::gpuProbeProgram();
	return program ? program->string() : "dmabridge-gpu-probe";
}

/* One probe process's report: the results it gave, and the kind it died on, if any. */
struct Run
{
	std::vector<MemoryProbeResult> results;
	std::optional<MemoryKind> unfinished;
	std::string end; /* how it ended, when not well */
	std::string error;
};

std::string howItEnded(int status)
{
	if (WIFSIGNALED(status))
		return std::string("died of signal ") + std::to_string(WTERMSIG(status)) + " (" +
		       strsignal(WTERMSIG(status)) + ")";
	if (WIFEXITED(status) && WEXITSTATUS(status))
		return "exited with status " + std::to_string(WEXITSTATUS(status));
	return {};
}

void parseLine(const std::string &line, Run &run)
{
	std::istringstream fields(line);
	std::string word, key, outcome;
	fields >> word >> key;
	MemoryKind kind;
	if (word == "error") {
		run.error = line.substr(6);
	} else if (word == "begin" && memoryKindFromKey(key, &kind)) {
		run.unfinished = kind;
	} else if (word == "result" && memoryKindFromKey(key, &kind) && fields >> outcome) {
		MemoryProbeResult result{ kind, Outcome::Unavailable, {} };
		outcomeFromName(outcome, &result.outcome);
		std::getline(fields >> std::ws, result.detail);
		run.results.push_back(std::move(result));
		run.unfinished.reset();
	}
}

Result<Run> runOnce(const std::string &helper, const GpuProbeTarget &target,
		    const std::vector<MemoryKind> &kinds)
{
	std::vector<std::string> args = { helper, target.api == GpuApi::Vulkan ? "vulkan" : "gles",
					  target.device,
					  target.ownDrmNode.empty() ? "-" : target.ownDrmNode };
	for (MemoryKind kind : kinds)
		args.push_back(memoryKindKey(kind));
	std::vector<char *> argv;
	for (std::string &arg : args)
		argv.push_back(arg.data());
	argv.push_back(nullptr);

	int pipe[2];
	if (::pipe2(pipe, O_CLOEXEC) < 0)
		return Error::fromErrno(errno, "GPU probe: pipe");
	UniqueFd reader(pipe[0]), writer(pipe[1]);
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, writer.get(), STDOUT_FILENO);
	pid_t pid = 0;
	int err = posix_spawn(&pid, helper.c_str(), &actions, nullptr, argv.data(), environ);
	posix_spawn_file_actions_destroy(&actions);
	writer.reset();
	if (err)
		return Error::fromErrno(err, "GPU probe: cannot run " + helper);

	Run run;
	std::string pending;
	char buffer[4096];
	for (;;) {
		struct pollfd pfd = { reader.get(), POLLIN, 0 };
		int ready = ::poll(&pfd, 1, kSilenceLimitMs);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready <= 0) {
			::kill(pid, SIGKILL);
			run.end = "said nothing for " + std::to_string(kSilenceLimitMs / 1000) +
				  " s and was killed";
			break;
		}
		ssize_t got = ::read(reader.get(), buffer, sizeof(buffer));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		pending.append(buffer, size_t(got));
		for (size_t end; (end = pending.find('\n')) != std::string::npos;) {
			parseLine(pending.substr(0, end), run);
			pending.erase(0, end + 1);
		}
	}
	int status = 0;
	while (::waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (run.end.empty())
		run.end = howItEnded(status);
	return run;
}

Result<GpuMemoryReport> runProbe(const GpuProbeTarget &target, MemoryKinds available)
{
	auto start = std::chrono::steady_clock::now();
	GpuMemoryReport report;
	report.key = target.key;
	std::vector<MemoryKind> left;
	for (MemoryKind kind : kMemoryKinds) {
		if (available.has(kind))
			left.push_back(kind);
		else
			report.results.push_back({ kind, Outcome::Unavailable, "none here" });
	}
	std::string helper = helperPath();
	while (!left.empty()) {
		Result<Run> run = runOnce(helper, target, left);
		report.processes++;
		if (!run)
			return run.error();
		if (!run->error.empty() && run->results.empty() && !run->unfinished)
			return Error(EIO, "GPU probe of " + target.key + ": " + run->error);
		for (MemoryProbeResult &result : run->results) {
			left.erase(std::remove(left.begin(), left.end(), result.kind), left.end());
			report.results.push_back(std::move(result));
		}
		if (!run->unfinished) {
			if (!left.empty())
				return Error(EIO,
					     "GPU probe of " + target.key + " " +
						     (run->end.empty() ? "stopped" : run->end) +
						     " before probing " + memoryKindName(left[0]));
			break;
		}
		MemoryKind died = *run->unfinished;
		report.results.push_back({ died, Outcome::Crashed,
					   "the probe process " +
						   (run->end.empty() ? "ended" : run->end) +
						   " using it" });
		left.erase(std::remove(left.begin(), left.end(), died), left.end());
	}
	std::sort(report.results.begin(), report.results.end(),
		  [](const auto &a, const auto &b) { return a.kind < b.kind; });
	report.seconds =
		std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	return report;
}

} /* namespace */

const char *outcomeName(MemoryProbeResult::Outcome outcome)
{
	for (const OutcomeName &entry : kOutcomeNames)
		if (entry.outcome == outcome)
			return entry.name;
	return "?";
}

MemoryKinds GpuMemoryReport::usable() const
{
	MemoryKinds kinds;
	for (const MemoryProbeResult &result : results)
		if (result.outcome == Outcome::Usable)
			kinds.add(result.kind);
	return kinds;
}

std::string GpuMemoryReport::summary() const
{
	std::string text = "probed (" + key + "): uses " + usable().describe();
	for (Outcome outcome :
	     { Outcome::Crashed, Outcome::Refused, Outcome::WrongPixels, Outcome::Unavailable }) {
		MemoryKinds kinds;
		for (const MemoryProbeResult &result : results)
			if (result.outcome == outcome)
				kinds.add(result.kind);
		if (kinds.bits)
			text += std::string("; ") +
				(outcome == Outcome::Crashed       ? "crashed on "
				 : outcome == Outcome::Refused     ? "refused "
				 : outcome == Outcome::WrongPixels ? "read wrong pixels from "
								   : "none here of ") +
				kinds.describe();
	}
	return text;
}

Result<GpuMemoryReport> probeGpuMemory(const GpuProbeTarget &target)
{
	std::string key = cacheKey(target);
	MemoryKinds available = availableKinds(target);
	std::lock_guard<std::mutex> locker(cacheLock);
	Cached cached;
	auto found = processCache.find(key);
	if (found != processCache.end() && found->second.available == available) {
		cached = found->second;
	} else if (!readCacheFile(key, &cached) || cached.available != available) {
		Result<GpuMemoryReport> probed = runProbe(target, available);
		if (!probed)
			return probed.error();
		cached = { std::move(*probed), available };
		/* A kind that was there but could not be allocated (a busy camera) is tried
		 * again next time rather than remembered. */
		bool complete =
			std::none_of(cached.report.results.begin(), cached.report.results.end(),
				     [&](const MemoryProbeResult &result) {
					     return result.outcome == Outcome::Unavailable &&
						    available.has(result.kind);
				     });
		if (complete)
			writeCacheFile(key, cached);
		processCache[key] = cached;
		return cached.report;
	}
	cached.report.key = target.key;
	processCache[key] = cached;
	cached.report.fromCache = true;
	cached.report.processes = 0;
	return cached.report;
}

void forgetGpuMemoryReports()
{
	std::lock_guard<std::mutex> locker(cacheLock);
	processCache.clear();
}

void applyMemoryReport(DeviceConstraints &device, const GpuMemoryReport &report)
{
	MemoryKinds usable = report.usable();
	device.usableMemory = { usable, report.summary() };
	MemoryKinds ownOnly;
	ownOnly.add(MemoryKind::OwnDumb);
	if (usable == ownOnly)
		device.memoryOnlyFrom = { device.node, report.summary() };
}

} /* namespace dmabridge */
