/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Board profiles written out: a machine's devices as probed (dmabridge-info --profile),
 * in the text format BoardProfile::parse() reads, each fact with the probe's source.
 */
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include <dmabridge/board_profile.h>
#include <dmabridge/format.h>
#include <dmabridge/modifier.h>

#include "../internal/page.h"

namespace dmabridge {

namespace {

/* A source on one line, without the format's own marks (';' ends a value, '#' a line). */
std::string cited(const std::string &source)
{
	std::string text = source.empty() ? "the probe gave no source" : source;
	std::replace_if(
		text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
	std::replace(text.begin(), text.end(), ';', ',');
	std::replace(text.begin(), text.end(), '#', 'n');
	return " ; " + text;
}

const char *yesNo(bool value)
{
	return value ? "yes" : "no";
}

void writeHeap(std::ostream &out, const HeapInfo &heap)
{
	out << "heap " << heap.name << "\n";
	if (heap.usable()) /* a profile's heap is of a kind by its 'contiguous' line */
		out << "  contiguous " << yesNo(heap.contiguous) << cited(heap.reason) << "\n";
	out << "  cached " << yesNo(heap.cached) << cited(heap.reason) << "\n";
	if (heap.size)
		out << "  size " << heap.size << cited(heap.reason) << "\n";
	if (!heap.kernelName.empty())
		out << "  kernel-name " << heap.kernelName << "\n";
}

/* Its name, or for a format the table lacks its fourcc in hex: "0x38345258". */
std::string formatWord(uint32_t fourcc)
{
	if (const FormatInfo *format = formatFromDrm(fourcc))
		return std::string(format->name);
	char hex[11];
	std::snprintf(hex, sizeof(hex), "0x%08x", fourcc);
	return hex;
}

void writeFormats(std::ostream &out, const DeviceConstraints &device)
{
	out << "  formats";
	for (const FormatModifiers &format : device.formats)
		out << " " << formatWord(format.fourcc);
	out << "\n";
	for (const FormatModifiers &format : device.formats) {
		if (format.modifiers.empty())
			continue;
		out << "  modifiers " << formatWord(format.fourcc);
		for (uint64_t modifier : format.modifiers)
			out << " " << modifierName(modifier);
		out << cited("probed: what " + device.label() + " lists") << "\n";
	}
}

void writeFacts(std::ostream &out, const DeviceConstraints &device)
{
	out << "  import " << yesNo(device.canImport) << "\n";
	out << "  export " << yesNo(device.canExport) << "\n";
	/* A fact without a source is the default, which a profile gets by leaving it out. */
	auto flag = [&](const char *key, const Derived<bool> &fact) {
		if (!fact.source.empty())
			out << "  " << key << " " << yesNo(fact.value) << cited(fact.source)
			    << "\n";
	};
	flag("contiguous", device.contiguous);
	flag("exports-contiguous", device.exportsContiguous);
	flag("iommu", device.iommu);
	flag("coherent", device.coherent);
	if (!device.addressLimit.source.empty())
		out << "  address-limit " << device.addressLimit.value
		    << cited(device.addressLimit.source) << "\n";
	if (!device.memoryOnlyFrom.value.empty())
		out << "  memory-only-from " << device.memoryOnlyFrom.value
		    << cited(device.memoryOnlyFrom.source) << "\n";
	if (!device.usableMemory.value.isAll()) {
		out << "  usable-memory";
		for (MemoryKind kind : kMemoryKinds)
			if (device.usableMemory.value.has(kind))
				out << " " << memoryKindKey(kind);
		if (!device.usableMemory.value.bits)
			out << " none";
		out << cited(device.usableMemory.source) << "\n";
	}
	if (device.alignment.source.empty())
		return;
	const Alignment &align = device.alignment.value;
	const std::string source = cited(device.alignment.source);
	out << "  stride-align " << align.stride << source << "\n";
	out << "  offset-align " << align.offset << source << "\n";
	out << "  size-align " << align.size << source << "\n";
	out << "  height-align " << align.height << source << "\n";
}

/* One word naming the device: its name, made unique with its node and role. */
std::string wordOf(std::string text)
{
	std::replace_if(
		text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; }, '-');
	return text;
}

/* "video3" for /dev/video3. */
std::string nodeWord(const std::string &node)
{
	return std::filesystem::path(node).filename().string();
}

} /* namespace */

BoardProfile boardProfileOf(const Inventory &inventory, const std::string &id,
			    const std::string &title)
{
	BoardProfile profile;
	profile.id = id;
	profile.title = title;
	profile.pageSize = internal::pageSize();
	profile.pageSizeSource = "probed: sysconf(_SC_PAGESIZE)";
	for (const HeapInfo &heap : inventory.heaps)
		if (heap.usable())
			profile.heaps.push_back(heap);

	std::map<std::string, unsigned> named, onNode;
	for (const InventoryDevice &device : inventory.devices)
		for (const DeviceConstraints &queue : device.queues) {
			named[wordOf(queue.name)]++;
			onNode[wordOf(queue.name) + "-" + nodeWord(queue.node)]++;
		}
	for (const InventoryDevice &device : inventory.devices) {
		for (const DeviceConstraints &queue : device.queues) {
			if (queue.formats.empty())
				continue; /* nothing to plan for: a codec's coded queue */
			std::string word = wordOf(queue.name);
			if (named[word] > 1)
				word += "-" + nodeWord(queue.node);
			if (onNode[word] > 1) /* a V4L2 node's two queues: "capture", "output" */
				word += "-" + wordOf(queue.role.substr(queue.role.rfind(' ') + 1));
			profile.devices.push_back({ word, queue });
		}
	}
	return profile;
}

std::string boardProfileText(const BoardProfile &profile)
{
	std::ostringstream out;
	out << "board " << profile.id << "\n";
	if (!profile.title.empty())
		out << "title " << profile.title << "\n";
	if (profile.pageSize)
		out << "page-size " << profile.pageSize << cited(profile.pageSizeSource) << "\n";
	for (const HeapInfo &heap : profile.heaps) {
		out << "\n";
		writeHeap(out, heap);
	}
	for (const BoardDevice &device : profile.devices) {
		const DeviceConstraints &constraints = device.constraints;
		out << "\ndevice " << device.id << "\n";
		if (!constraints.role.empty())
			out << "  role " << constraints.role << "\n";
		if (!constraints.driver.empty())
			out << "  driver " << constraints.driver << "\n";
		if (!constraints.node.empty())
			out << "  node " << constraints.node << "\n";
		writeFormats(out, constraints);
		writeFacts(out, constraints);
	}
	return out.str();
}

} /* namespace dmabridge */
