/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "describe.h"

#include <cinttypes>
#include <cstdio>

#include <dmabridge/format.h>

namespace dmabridge::tools {

namespace {

std::string hex(uint64_t value)
{
	char text[24];
	std::snprintf(text, sizeof(text), "0x%" PRIx64, value);
	return text;
}

std::string yesNo(bool value)
{
	return value ? "yes" : "no";
}

std::string sized(uint64_t bytes)
{
	if (bytes && bytes % (1ull << 30) == 0)
		return std::to_string(bytes >> 30) + " GiB";
	if (bytes && bytes % (1ull << 20) == 0)
		return std::to_string(bytes >> 20) + " MiB";
	return std::to_string(bytes) + " bytes";
}

/* A fact that nothing derived (no source) is the default, and says so. */
std::string sourceOf(const std::string &source)
{
	return source.empty() ? "default: nothing says otherwise" : source;
}

template<typename T>
void writeFact(JsonWriter &json, std::string_view name, const Derived<T> &fact)
{
	json.key(name).beginObject().field("value", fact.value);
	if (fact.source.empty())
		json.key("source").null();
	else
		json.field("source", fact.source);
	json.endObject();
}

} /* namespace */

std::string formatNames(const std::vector<FormatModifiers> &formats)
{
	std::string text;
	for (const FormatModifiers &format : formats) {
		text += (text.empty() ? "" : " ") + formatName(format.fourcc);
		bool linearOnly = format.modifiers.empty() ||
				  (format.modifiers.size() == 1 && format.modifiers[0] == 0);
		if (!linearOnly)
			text += "(" + std::to_string(format.modifiers.size()) + " modifiers)";
	}
	return text.empty() ? "none known" : text;
}

std::string constraintsText(const DeviceConstraints &d, const std::string &indent)
{
	std::string text;
	auto line = [&](const std::string &what, const std::string &value,
			const std::string &source) {
		text += indent + what + ": " + value;
		if (!source.empty())
			text += "  [" + source + "]";
		text += "\n";
	};
	line("role", d.role, "");
	line("formats", formatNames(d.formats), "");
	line("shares",
	     std::string(d.canImport ? "imports" : "can't import") + ", " +
		     (d.canExport ? "exports" : "can't export"),
	     "");
	line("needs contiguous memory", yesNo(d.contiguous.value), sourceOf(d.contiguous.source));
	line("behind an IOMMU", yesNo(d.iommu.value), sourceOf(d.iommu.source));
	line("address limit",
	     d.addressLimit.value ? "below " + sized(d.addressLimit.value) : "none",
	     sourceOf(d.addressLimit.source));
	line("cache-coherent", yesNo(d.coherent.value), sourceOf(d.coherent.source));
	if (d.canExport)
		line("exports contiguous memory", yesNo(d.exportsContiguous.value),
		     sourceOf(d.exportsContiguous.source));
	line("alignment", d.alignment.value.describe(), sourceOf(d.alignment.source));
	if (!d.memoryOnlyFrom.value.empty())
		line("uses only memory allocated by", d.memoryOnlyFrom.value,
		     d.memoryOnlyFrom.source);
	else if (!d.usableMemory.value.isAll())
		line("uses memory of", d.usableMemory.value.describe(), d.usableMemory.source);
	return text;
}

void writeConstraints(JsonWriter &json, const DeviceConstraints &d)
{
	json.beginObject()
		.field("name", d.name)
		.field("node", d.node)
		.field("role", d.role)
		.field("driver", d.driver);
	json.key("formats").beginArray();
	for (const FormatModifiers &format : d.formats) {
		json.beginObject()
			.field("format", formatName(format.fourcc))
			.field("fourcc", fourccToString(format.fourcc));
		json.key("modifiers").beginArray();
		for (uint64_t modifier : format.modifiers)
			json.value(hex(modifier));
		json.endArray().endObject();
	}
	json.endArray();
	json.field("can-import", d.canImport).field("can-export", d.canExport);
	writeFact(json, "contiguous", d.contiguous);
	writeFact(json, "iommu", d.iommu);
	writeFact(json, "address-limit", d.addressLimit);
	writeFact(json, "coherent", d.coherent);
	writeFact(json, "exports-contiguous", d.exportsContiguous);
	writeFact(json, "memory-only-from", d.memoryOnlyFrom);
	json.key("usable-memory").beginObject().key("value").beginArray();
	for (MemoryKind kind : kMemoryKinds)
		if (d.usableMemory.value.has(kind))
			json.value(memoryKindKey(kind));
	json.endArray();
	if (d.usableMemory.source.empty())
		json.key("source").null();
	else
		json.field("source", d.usableMemory.source);
	json.endObject();
	json.key("alignment")
		.beginObject()
		.field("stride", d.alignment.value.stride)
		.field("offset", d.alignment.value.offset)
		.field("size", d.alignment.value.size)
		.field("height", d.alignment.value.height);
	if (d.alignment.source.empty())
		json.key("source").null();
	else
		json.field("source", d.alignment.source);
	json.endObject().endObject();
}

std::string heapText(const HeapInfo &heap)
{
	std::string what = !heap.usable()    ? "of unknown kind, never chosen"
			   : heap.contiguous ? "contiguous"
					     : "scattered pages";
	if (heap.size)
		what += ", " + std::to_string(heap.size >> 20) + " MiB";
	return heap.path + ": " + what + ", " + (heap.cached ? "cached" : "uncached") +
	       (heap.kernelName.empty() ? "" : " (the kernel's " + heap.kernelName + ")") +
	       (heap.reason.empty() ? "" : "  [" + heap.reason + "]");
}

void writeHeap(JsonWriter &json, const HeapInfo &heap)
{
	json.beginObject()
		.field("name", heap.name)
		.field("path", heap.path)
		.field("kernel-name", heap.kernelName)
		.field("kind", std::string(heapKindName(heap.kind)))
		.field("contiguous", heap.contiguous)
		.field("cached", heap.cached)
		.field("size", heap.size)
		.field("reason", heap.reason)
		.endObject();
}

std::string planText(const Plan &plan)
{
	std::string text;
	text += "allocator:   " + std::string(allocatorName(plan.allocator)) + " (" +
		plan.allocatingDevice + ")\n";
	if (plan.allocator == AllocatorKind::Heap)
		text += "heap:        " + heapText(plan.heap) + "\n";
	text += "layout:      " + plan.layout.describe() + "\n";
	text += "buffers:     " + std::to_string(plan.bufferCount) + " x " +
		std::to_string(plan.bufferSize) + " bytes\n";
	text += "alignment:   " + plan.alignment.describe() + "\n";
	text += "memory:      " + std::string(plan.contiguous ? "contiguous" : "scattered pages") +
		(plan.addressLimit ? ", below " + sized(plan.addressLimit) : "") + "\n";
	text += "cpu caches:  " +
		std::string(plan.cpuCached ? "cached: CPU access is bracketed by DMA_BUF_IOCTL_SYNC"
					   : "uncached: no sync needed") +
		"\n";
	text += "copies:      " +
		(plan.copy ? "one per frame: " + plan.copyReason
			   : std::string("none (zero-copy)")) +
		"\n";
	for (const std::string &remedy : plan.remedies)
		text += "to avoid it: " + remedy + "\n";
	text += "\nwhy:\n";
	for (const std::string &sentence : plan.explanation)
		text += "  - " + sentence + "\n";
	return text;
}

void writePlan(JsonWriter &json, const Plan &plan)
{
	json.beginObject()
		.field("allocator", allocatorName(plan.allocator))
		.field("allocating-device", plan.allocatingDevice);
	json.key("heap");
	if (plan.allocator == AllocatorKind::Heap)
		writeHeap(json, plan.heap);
	else
		json.null();
	json.key("layout")
		.beginObject()
		.field("format", formatName(plan.layout.fourcc))
		.field("modifier", hex(plan.layout.modifier))
		.field("width", plan.layout.width)
		.field("height", plan.layout.height)
		.field("buffers", plan.layout.buffers);
	json.key("planes").beginArray();
	for (const PlaneLayout &plane : plan.layout.planeSpan())
		json.beginObject()
			.field("buffer", plane.buffer)
			.field("offset", plane.offset)
			.field("stride", plane.stride)
			.field("size", plane.size)
			.endObject();
	json.endArray().endObject();
	json.field("buffer-size", plan.bufferSize)
		.field("buffer-count", plan.bufferCount)
		.field("contiguous", plan.contiguous)
		.field("address-limit", plan.addressLimit)
		.field("cpu-cached", plan.cpuCached)
		.field("copy", plan.copy)
		.field("copy-reason", plan.copyReason)
		.field("remedies", plan.remedies)
		.field("explanation", plan.explanation)
		.endObject();
}

} /* namespace dmabridge::tools */
