/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Board profiles: the text format of lib/include/dmabridge/board_profile.h. Parsed line
 * by line; every error names the file and line and what was expected there.
 */
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include <dmabridge/board_profile.h>
#include <dmabridge/format.h>
#include <dmabridge/modifier.h>

#include "../internal/directory.h"
#include "../internal/install_location.h"
#include "../internal/text.h"

namespace dmabridge {

namespace {

using internal::trim;

/* "key rest of the line" */
std::pair<std::string_view, std::string_view> splitKey(std::string_view line)
{
	size_t space = line.find_first_of(" \t");
	if (space == std::string_view::npos)
		return { line, {} };
	return { line.substr(0, space), trim(line.substr(space)) };
}

std::vector<std::string_view> words(std::string_view text)
{
	std::vector<std::string_view> result;
	while (!(text = trim(text)).empty()) {
		size_t end = text.find_first_of(" \t");
		result.push_back(text.substr(0, end));
		if (end == std::string_view::npos)
			break;
		text = text.substr(end);
	}
	return result;
}

std::optional<bool> parseBool(std::string_view value)
{
	if (value == "yes" || value == "true")
		return true;
	if (value == "no" || value == "false")
		return false;
	return std::nullopt;
}

/* A size with an optional K, M or G suffix (powers of 1024); no overflow, no sign. */
std::optional<uint64_t> parseSize(std::string_view value)
{
	uint64_t number = 0, scale = 1;
	if (!value.empty() && (value.back() == 'K' || value.back() == 'M' || value.back() == 'G')) {
		scale = value.back() == 'K'   ? 1ull << 10
			: value.back() == 'M' ? 1ull << 20
					      : 1ull << 30;
		value.remove_suffix(1);
	}
	auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
	if (value.empty() || ec != std::errc() || end != value.data() + value.size() ||
	    number > UINT64_MAX / scale)
		return std::nullopt;
	return number * scale;
}

/* A format by name, or one the format table lacks by its fourcc in hex ("0x38345258"). */
std::optional<uint32_t> fourccFromName(std::string_view name)
{
	if (const FormatInfo *format = formatFromName(name))
		return format->drm;
	uint32_t fourcc = 0;
	if (name.size() != 10 || name.substr(0, 2) != "0x")
		return std::nullopt;
	auto [end, ec] = std::from_chars(name.data() + 2, name.data() + name.size(), fourcc, 16);
	if (ec != std::errc() || end != name.data() + name.size() || !fourcc)
		return std::nullopt;
	return fourcc;
}

class Parser
{
public:
	Parser(const std::string &origin) : origin_(origin) {}

	Result<BoardProfile> parse(std::string_view text);

private:
	Error fail(const std::string &what) const
	{
		return Error(EINVAL, origin_ + ":" + std::to_string(line_) + ": " + what);
	}
	Status topLevel(std::string_view key, std::string_view value);
	Status pageSize(std::string_view value, std::string_view source);
	Status heapAttribute(HeapInfo &heap, std::string_view key, std::string_view value,
			     std::string_view source);
	Status deviceAttribute(DeviceConstraints &device, std::string_view key,
			       std::string_view value, std::string_view source);
	Status setModifiers(DeviceConstraints &device, const std::vector<std::string_view> &names,
			    Status cited);
	Status setUsableMemory(DeviceConstraints &device, const std::vector<std::string_view> &keys,
			       Status cited, const std::string &source);

	std::string origin_;
	unsigned line_ = 0;
	BoardProfile profile_;
	enum class Block
	{
		None,
		Heap,
		Device
	} block_ = Block::None;
};

Result<BoardProfile> Parser::parse(std::string_view text)
{
	while (!text.empty()) {
		line_++;
		size_t end = text.find('\n');
		std::string_view line = text.substr(0, end);
		text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
		if (size_t hash = line.find('#'); hash != std::string_view::npos)
			line = line.substr(0, hash);
		if (trim(line).empty())
			continue;
		if (line.find('\0') != std::string_view::npos)
			return fail("a NUL byte: this is not a text file");

		bool indented = line.front() == ' ' || line.front() == '\t';
		std::string_view source;
		if (size_t semicolon = line.find(';'); semicolon != std::string_view::npos) {
			source = trim(line.substr(semicolon + 1));
			line = line.substr(0, semicolon);
		}
		auto [key, value] = splitKey(trim(line));
		Status status;
		if (!indented && key == "page-size")
			status = pageSize(value, source);
		else if (!indented)
			status = source.empty() ? topLevel(key, value)
						: Status(fail("a source belongs to a constraint, "
							      "not to '" +
							      std::string(key) + "'"));
		else if (block_ == Block::Heap)
			status = heapAttribute(profile_.heaps.back(), key, value, source);
		else if (block_ == Block::Device)
			status = deviceAttribute(profile_.devices.back().constraints, key, value,
						 source);
		else
			status = fail("an indented line outside any heap or device");
		if (!status)
			return status.error();
	}
	line_++;
	if (profile_.id.empty())
		return fail("no 'board <id>' line");
	if (profile_.devices.empty())
		return fail("no device");
	for (const BoardDevice &device : profile_.devices)
		if (device.constraints.formats.empty())
			return Error(EINVAL,
				     origin_ + ": device '" + device.id + "' lists no formats");
	return std::move(profile_);
}

Status Parser::topLevel(std::string_view key, std::string_view value)
{
	if (value.empty())
		return fail("'" + std::string(key) + "' needs a value");
	block_ = Block::None;
	if (key == "board") {
		if (!profile_.id.empty())
			return fail("a second 'board' line");
		profile_.id = value;
	} else if (key == "title") {
		profile_.title = value;
	} else if (key == "heap") {
		HeapInfo heap;
		heap.name = value;
		heap.path = "/dev/dma_heap/" + heap.name;
		profile_.heaps.push_back(heap);
		block_ = Block::Heap;
	} else if (key == "device") {
		if (words(value).size() != 1)
			return fail("a device id is one word, not '" + std::string(value) + "'");
		for (const BoardDevice &device : profile_.devices)
			if (device.id == value)
				return fail("a second device '" + std::string(value) + "'");
		BoardDevice device;
		device.id = value;
		device.constraints.name = device.id;
		device.constraints.driver = device.id;
		profile_.devices.push_back(device);
		block_ = Block::Device;
	} else {
		return fail("unknown keyword '" + std::string(key) +
			    "' (expected board, title, page-size, heap or device)");
	}
	return {};
}

/* The board kernel's page size: every allocation there is a whole number of pages. */
Status Parser::pageSize(std::string_view value, std::string_view source)
{
	block_ = Block::None;
	std::optional<uint64_t> bytes = parseSize(value);
	if (!bytes || *bytes < 4096 || *bytes > (1u << 20) || (*bytes & (*bytes - 1)))
		return fail("'page-size' is a power of two from 4K to 1M, not '" +
			    std::string(value) + "'");
	if (source.empty())
		return fail("'page-size' needs its source after a ';'");
	profile_.pageSize = uint32_t(*bytes);
	profile_.pageSizeSource = "board profile " + origin_ + ": " + std::string(source);
	return {};
}

Status Parser::heapAttribute(HeapInfo &heap, std::string_view key, std::string_view value,
			     std::string_view source)
{
	std::optional<bool> flag = parseBool(value);
	if (key == "contiguous" || key == "cached") {
		if (!flag)
			return fail("'" + std::string(key) + "' is yes or no, not '" +
				    std::string(value) + "'");
		if (source.empty())
			return fail("'" + std::string(key) + "' needs its source after a ';'");
		(key == "contiguous" ? heap.contiguous : heap.cached) = *flag;
		if (key == "contiguous") /* a profile's heap is the system heap or a CMA area */
			heap.kind = *flag ? HeapKind::Cma : HeapKind::System;
		heap.reason += (heap.reason.empty() ? "" : "; ") + std::string(source);
		return {};
	}
	if (key == "kernel-name") {
		heap.kernelName = value;
		return {};
	}
	if (key == "size") { /* a CMA area's, as /sys/kernel/mm/cma tells on the board */
		std::optional<uint64_t> bytes = parseSize(value);
		if (!bytes || !*bytes)
			return fail("'size' is a size such as 256M, not '" + std::string(value) +
				    "'");
		if (source.empty())
			return fail("'size' needs its source after a ';'");
		heap.size = *bytes;
		heap.reason += (heap.reason.empty() ? "" : "; ") + std::string(source);
		return {};
	}
	return fail("unknown heap attribute '" + std::string(key) +
		    "' (expected contiguous, cached, size or kernel-name)");
}

Status Parser::deviceAttribute(DeviceConstraints &device, std::string_view key,
			       std::string_view value, std::string_view source)
{
	if (value.empty())
		return fail("'" + std::string(key) + "' needs a value");
	const std::string sourceText = "board profile " + origin_ + ": " + std::string(source);
	auto needSource = [&]() -> Status {
		if (source.empty())
			return fail("constraint '" + std::string(key) +
				    "' needs its source after a ';'");
		return {};
	};
	auto setBool = [&](Derived<bool> &fact) -> Status {
		std::optional<bool> flag = parseBool(value);
		if (!flag)
			return fail("'" + std::string(key) + "' is yes or no, not '" +
				    std::string(value) + "'");
		if (Status cited = needSource(); !cited)
			return cited;
		fact = { *flag, sourceText };
		return {};
	};
	auto setAlign = [&](uint32_t Alignment::*field) -> Status {
		std::optional<uint64_t> align = parseSize(value);
		if (!align || *align == 0 || *align > (1u << 24) || (*align & (*align - 1)))
			return fail("'" + std::string(key) +
				    "' is a power of two up to 16M, not '" + std::string(value) +
				    "'");
		if (Status cited = needSource(); !cited)
			return cited;
		device.alignment.value.*field = uint32_t(*align);
		device.alignment.source +=
			(device.alignment.source.empty() ? "" : "; ") + sourceText;
		return {};
	};

	if (key == "role")
		device.role = value;
	else if (key == "driver")
		device.driver = value;
	else if (key == "node")
		device.node = value;
	else if (key == "formats") {
		for (std::string_view name : words(value)) {
			std::optional<uint32_t> fourcc = fourccFromName(name);
			if (!fourcc)
				return fail(
					"unknown format '" + std::string(name) +
					"' (a name such as NV12, or a fourcc in hex: 0x3231564e)");
			if (!device.acceptsFormat(*fourcc))
				device.formats.push_back({ *fourcc, {} });
		}
	} else if (key == "modifiers") {
		return setModifiers(device, words(value), needSource());
	} else if (key == "import" || key == "export") {
		std::optional<bool> flag = parseBool(value);
		if (!flag)
			return fail("'" + std::string(key) + "' is yes or no");
		(key == "import" ? device.canImport : device.canExport) = *flag;
	} else if (key == "contiguous")
		return setBool(device.contiguous);
	else if (key == "exports-contiguous")
		return setBool(device.exportsContiguous);
	else if (key == "iommu")
		return setBool(device.iommu);
	else if (key == "coherent")
		return setBool(device.coherent);
	else if (key == "address-limit") {
		std::optional<uint64_t> limit = parseSize(value);
		if (!limit)
			return fail("'address-limit' is a size such as 4G, not '" +
				    std::string(value) + "'");
		if (Status cited = needSource(); !cited)
			return cited;
		device.addressLimit = { *limit, sourceText };
	} else if (key == "memory-only-from") {
		if (Status cited = needSource(); !cited)
			return cited;
		device.memoryOnlyFrom = { std::string(value), sourceText };
	} else if (key == "usable-memory") {
		return setUsableMemory(device, words(value), needSource(), sourceText);
	} else if (key == "stride-align")
		return setAlign(&Alignment::stride);
	else if (key == "offset-align")
		return setAlign(&Alignment::offset);
	else if (key == "size-align")
		return setAlign(&Alignment::size);
	else if (key == "height-align")
		return setAlign(&Alignment::height);
	else
		return fail("unknown device attribute '" + std::string(key) + "'");
	return {};
}

/*
 * "modifiers NV12 LINEAR BROADCOM_SAND128": the layouts the device takes a format it
 * lists in (linear alone without such a line).
 */
Status Parser::setModifiers(DeviceConstraints &device, const std::vector<std::string_view> &names,
			    Status cited)
{
	if (!cited)
		return cited;
	uint32_t fourcc = 0; /* no format has fourcc 0 */
	if (std::optional<uint32_t> named = names.empty() ? std::nullopt : fourccFromName(names[0]))
		fourcc = *named;
	auto it = std::find_if(
		device.formats.begin(), device.formats.end(),
		[&](const FormatModifiers &f) { return fourcc && f.fourcc == fourcc; });
	if (it == device.formats.end())
		return fail(
			"'modifiers' names a format of the device's 'formats' line first, not '" +
			std::string(names.empty() ? "" : names[0]) + "'");
	if (names.size() < 2 || !it->modifiers.empty())
		return fail("'modifiers " + std::string(names[0]) +
			    "' lists the format's modifiers, once");
	for (size_t i = 1; i < names.size(); i++) {
		std::optional<uint64_t> modifier = modifierFromName(names[i]);
		if (!modifier)
			return fail("unknown modifier '" + std::string(names[i]) +
				    "' (a name such as BROADCOM_SAND128, or 0x followed by hex)");
		it->modifiers.push_back(*modifier);
	}
	return {};
}

/* "usable-memory own-dumb v4l2-export": the kinds of memory the driver can use. */
Status Parser::setUsableMemory(DeviceConstraints &device, const std::vector<std::string_view> &keys,
			       Status cited, const std::string &source)
{
	if (!cited)
		return cited;
	MemoryKinds kinds;
	for (std::string_view key : keys) {
		MemoryKind kind;
		if (key == "none" && keys.size() == 1)
			break;
		if (!memoryKindFromKey(key, &kind))
			return fail("unknown kind of memory '" + std::string(key) +
				    "' (system-heap, cma-heap, udmabuf, own-dumb, v4l2-export, or "
				    "none alone)");
		kinds.add(kind);
	}
	device.usableMemory = { kinds, source };
	return {};
}

std::vector<std::filesystem::path> profileDirs()
{
	std::vector<std::filesystem::path> dirs;
	if (const char *env = std::getenv("DMABRIDGE_BOARDS"); env && *env)
		dirs.emplace_back(env);
	if (std::optional<std::filesystem::path> own = internal::boardProfileDirectory())
		dirs.push_back(std::move(*own));
	return dirs;
}

} /* namespace */

Result<DeviceConstraints> BoardProfile::device(std::string_view wanted) const
{
	std::string have;
	for (const BoardDevice &device : devices) {
		if (device.id == wanted)
			return device.constraints;
		have += (have.empty() ? "" : ", ") + device.id;
	}
	return Error(ENOENT, "board " + id + " has no device '" + std::string(wanted) +
				     "' (it has " + have + ")");
}

Result<BoardProfile> BoardProfile::parse(std::string_view text, const std::string &origin)
{
	return Parser(origin).parse(text);
}

Result<BoardProfile> BoardProfile::load(const std::string &path)
{
	std::ifstream file(path, std::ios::binary);
	if (!file)
		return Error::fromErrno(errno, "cannot read board profile " + path);
	std::ostringstream text;
	text << file.rdbuf();
	if (text.str().size() > (1u << 20))
		return Error(EFBIG, "board profile " + path + " is larger than 1 MiB");
	return parse(text.str(), std::filesystem::path(path).filename().string());
}

std::vector<std::string> boardProfileIds()
{
	std::vector<std::string> ids;
	for (const auto &dir : profileDirs()) {
		internal::forEachEntry(dir, [&](const std::filesystem::directory_entry &entry) {
			if (entry.path().extension() == ".board")
				ids.push_back(entry.path().stem().string());
		});
	}
	std::sort(ids.begin(), ids.end());
	ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
	return ids;
}

Result<BoardProfile> findBoardProfile(const std::string &idOrPath)
{
	if (idOrPath.find('/') != std::string::npos)
		return BoardProfile::load(idOrPath);
	for (const auto &dir : profileDirs()) {
		std::filesystem::path path = dir / (idOrPath + ".board");
		std::error_code ec;
		if (std::filesystem::exists(path, ec))
			return BoardProfile::load(path.string());
	}
	std::string have;
	for (const std::string &id : boardProfileIds())
		have += (have.empty() ? "" : ", ") + id;
	return Error(ENOENT, "no board profile '" + idOrPath +
				     "' (there are: " + (have.empty() ? "none found" : have) + ")");
}

} /* namespace dmabridge */
