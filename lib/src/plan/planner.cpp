/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The allocation planner: where the decision for a set of devices is made.
 *
 * 1. Every device must take the format, or frames are copied once between the producer's
 *    buffers and the consumers' own.
 * 2. A device that can only use memory from one DRM device (a GPU driver) makes that DRM
 *    device the allocator, if what it allocates suits the others.
 * 3. Otherwise the memory must be contiguous when any device needs it without an IOMMU,
 *    and below the lowest address limit of the devices without one. A heap allocates when
 *    the producer can import: the system heap for scattered pages, a CMA heap for
 *    contiguous memory. Without a suitable heap, the producer exports its own buffers if
 *    they suit everyone.
 * 4. The layout satisfies every device's alignment.
 * Each step adds a sentence to the plan's explanation.
 */
#include <algorithm>
#include <optional>

#include <dmabridge/modifier.h>
#include <dmabridge/plan.h>

#include "../internal/log.h"
#include "../internal/page.h"

namespace dmabridge {

namespace {

std::string joinNames(const std::vector<const DeviceConstraints *> &devices)
{
	std::string text;
	for (size_t i = 0; i < devices.size(); i++) {
		if (i)
			text += i + 1 == devices.size() ? " and " : ", ";
		text += devices[i]->name;
	}
	return text;
}

std::string formatList(const DeviceConstraints &device)
{
	std::string text;
	for (const FormatModifiers &format : device.formats) {
		const FormatInfo *info = formatFromDrm(format.fourcc);
		text += (text.empty() ? "" : ", ") +
			(info ? std::string(info->name) : fourccToString(format.fourcc));
	}
	return text.empty() ? "nothing known" : text;
}

std::string whyContiguous(const DeviceConstraints &device)
{
	std::string text =
		device.name + " needs physically contiguous memory (" + device.contiguous.source;
	if (!device.iommu.source.empty())
		text += "; " + device.iommu.source;
	return text + ")";
}

std::string whyScatteredIsFine(const DeviceConstraints &device)
{
	if (device.contiguous.value && device.iommu.value)
		return device.name + " is behind an IOMMU (" + device.iommu.source + ")";
	if (!device.contiguous.source.empty())
		return device.name + " takes scattered pages (" + device.contiguous.source + ")";
	return device.name + " takes scattered pages";
}

std::string bytes(uint64_t value)
{
	if (value && value % (1ull << 30) == 0)
		return std::to_string(value >> 30) + " GiB";
	return std::to_string(value) + " bytes";
}

uint64_t alignUp(uint64_t value, uint64_t alignment)
{
	return (value + alignment - 1) / alignment * alignment;
}

MemoryKind memoryOf(const HeapInfo &heap)
{
	return heap.kind == HeapKind::Cma ? MemoryKind::CmaHeap : MemoryKind::SystemHeap;
}

const HeapInfo *pickHeap(const std::vector<HeapInfo> &heaps, bool contiguous, MemoryKinds usable)
{
	/* listHeaps() sorts cached heaps first: CPU reads of uncached memory are slow. A heap
	 * of unknown kind (a vendor's carveout) is never chosen: who can reach it is unknown.
	 * Nor is one whose memory a device's driver was found unable to use. */
	for (const HeapInfo &heap : heaps)
		if (heap.usable() && heap.contiguous == contiguous && usable.has(memoryOf(heap)))
			return &heap;
	return nullptr;
}

/* The heaps no plan takes, being of a kind the library doesn't know, and why. */
std::string unusedHeaps(const std::vector<HeapInfo> &heaps)
{
	std::string text;
	for (const HeapInfo &heap : heaps)
		if (!heap.usable())
			text += (text.empty() ? "" : " ") + std::string("The heap '") + heap.name +
				"' is not used: " + heap.reason + ".";
	return text;
}

/* What every device of a plan needs of its memory, and who needs it. */
struct MemoryNeeds
{
	std::vector<const DeviceConstraints *> contiguousFor;
	uint64_t addressLimit = 0;
	const DeviceConstraints *limitedBy = nullptr;
	const DeviceConstraints *ownMemoryOnly = nullptr;
	std::vector<const DeviceConstraints *> cannotImport;
	/* The memory every device's driver can use, and the devices that narrow it. */
	MemoryKinds usable = MemoryKinds::all();
	std::vector<const DeviceConstraints *> usableNarrowedBy;
};

MemoryNeeds memoryNeeds(const std::vector<DeviceConstraints> &devices)
{
	MemoryNeeds needs;
	for (const DeviceConstraints &device : devices) {
		if (device.needsContiguousMemory())
			needs.contiguousFor.push_back(&device);
		if (device.limitsAddresses() &&
		    (!needs.addressLimit || device.addressLimit.value < needs.addressLimit)) {
			needs.addressLimit = device.addressLimit.value;
			needs.limitedBy = &device;
		}
		if (!device.memoryOnlyFrom.value.empty() && !needs.ownMemoryOnly)
			needs.ownMemoryOnly = &device;
		if (!device.canImport)
			needs.cannotImport.push_back(&device);
		if (!device.usableMemory.value.isAll()) {
			needs.usable = needs.usable & device.usableMemory.value;
			needs.usableNarrowedBy.push_back(&device);
		}
	}
	return needs;
}

/* The modifiers a device takes fourcc in, linear alone when its list is empty. */
std::vector<uint64_t> modifiersFor(const DeviceConstraints &device, uint32_t fourcc)
{
	for (const FormatModifiers &format : device.formats)
		if (format.fourcc == fourcc)
			return format.modifiers.empty() ? std::vector<uint64_t>{ kModifierLinear }
							: format.modifiers;
	return {};
}

std::string modifierList(const std::vector<uint64_t> &modifiers)
{
	std::string text;
	for (uint64_t modifier : modifiers)
		text += (text.empty() ? "" : ", ") + modifierName(modifier);
	return text;
}

/* The layout every device reads the format in, or why there is none. */
struct ModifierChoice
{
	uint64_t modifier = kModifierLinear;
	std::string sentence;   /* for the explanation; empty when linear is all there is */
	std::string noneReason; /* set when no layout suits every device */
};

/*
 * The first of the producer's modifiers for the format (its order of preference) that
 * every device takes. A layout other than linear is laid out by the producer's driver
 * alone, so it is chosen only when the producer exports its buffers, contiguous ones
 * where a device needs that, and no device takes only its own DRM device's memory.
 */
ModifierChoice chooseModifier(const std::vector<DeviceConstraints> &devices, uint32_t fourcc,
			      const MemoryNeeds &needs)
{
	const DeviceConstraints &producer = devices.front();
	std::vector<uint64_t> shared;
	for (uint64_t modifier : modifiersFor(producer, fourcc))
		if (std::all_of(devices.begin(), devices.end(), [&](const DeviceConstraints &d) {
			    return d.acceptsFormat(fourcc, modifier);
		    }))
			shared.push_back(modifier);
	ModifierChoice choice;
	if (shared.empty()) {
		choice.noneReason = "no layout of " + formatName(fourcc) + " suits every device:";
		for (const DeviceConstraints &device : devices)
			choice.noneReason += " " + device.name + " takes " +
					     modifierList(modifiersFor(device, fourcc)) + ";";
		choice.noneReason.pop_back();
		return choice;
	}
	bool producerLaysOut = producer.canExport && !needs.ownMemoryOnly &&
			       (needs.contiguousFor.empty() || producer.exportsContiguous.value);
	for (uint64_t modifier : shared) {
		if (modifier != kModifierLinear && !producerLaysOut)
			continue;
		choice.modifier = modifier;
		if (modifier != kModifierLinear)
			choice.sentence = "Every device reads " + formatName(fourcc) + " as " +
					  modifierName(modifier) + ", the layout " + producer.name +
					  " lists first: " + producer.name +
					  " lays the buffers out and exports them.";
		else if (shared.size() > 1)
			choice.sentence = "Linear layout: " + modifierList(shared) +
					  " suit every device, but only " + producer.name +
					  "'s driver lays out the others and it can't export "
					  "buffers every device can use.";
		return choice;
	}
	choice.noneReason = "every device reads " + formatName(fourcc) + " only as " +
			    modifierList(shared) + ", which only " + producer.name +
			    " lays out, and it can't export buffers every device can use";
	return choice;
}

/* "llvmpipe can use system heap and CMA heap (probed: ...)", for each narrowing device. */
std::string usableSentence(const MemoryNeeds &needs)
{
	std::string text;
	for (const DeviceConstraints *device : needs.usableNarrowedBy)
		text += (text.empty() ? "" : " ") + device->name + " can use " +
			device->usableMemory.value.describe() + " (" + device->usableMemory.source +
			").";
	return text;
}

/* A plan for the producer alone: the frames are then copied into the consumers' memory. */
Result<Plan> copyPlan(const Planner &planner, const PlanRequest &request, std::string reason,
		      std::vector<std::string> remedies)
{
	PlanRequest alone = request;
	alone.consumers.clear();
	Result<Plan> plan = planner.plan(alone);
	if (!plan)
		return plan;
	plan->copy = true;
	plan->copyReason = reason;
	plan->remedies = std::move(remedies);
	plan->explanation.insert(plan->explanation.begin(),
				 "No zero-copy plan: " + reason +
					 ". The producer's buffers are planned for it alone and "
					 "each frame is copied once into the consumers' memory.");
	return plan;
}

/*
 * A layout only the producer's driver knows (tiles, compression): it allocates and
 * exports, and the strides come with its buffers.
 */
Result<Plan> producerLayoutPlan(Plan plan, const PlanRequest &request, const MemoryNeeds &needs,
				const DeviceConstraints &producer, uint64_t modifier)
{
	const FormatInfo *format = formatFromDrm(request.fourcc);
	plan.allocator = AllocatorKind::ProducerExport;
	plan.allocatingDevice = producer.name;
	plan.layout.fourcc = request.fourcc;
	plan.layout.modifier = modifier;
	plan.layout.width = request.width;
	plan.layout.height = request.height;
	plan.layout.planeCount = format->planes;
	if (!needs.contiguousFor.empty())
		plan.explanation.push_back(whyContiguous(*needs.contiguousFor.front()) + "; " +
					   producer.name + " exports contiguous buffers (" +
					   producer.exportsContiguous.source + ").");
	plan.explanation.push_back(
		"Layout " + formatName(request.fourcc) + " " + std::to_string(request.width) + "x" +
		std::to_string(request.height) + " as " + modifierName(modifier) +
		": its strides and sizes are " + producer.name + "'s; " +
		std::to_string(plan.bufferCount) + " buffers.");
	plan.cpuCached = true;
	return plan;
}

/*
 * One plan in the making: the devices as the planner sees them (the producer first), what
 * they need of their memory, and the plan so far.
 */
struct Planning
{
	Planning(const Planner &planner_, const PlanRequest &request_)
		: planner(planner_), request(request_)
	{
		devices.push_back(planner.withLearned(request.producer));
		for (const DeviceConstraints &consumer : request.consumers)
			devices.push_back(planner.withLearned(consumer));
		needs = memoryNeeds(devices);
		for (const DeviceConstraints &device : devices)
			all.push_back(&device);
		plan.bufferCount = request.bufferCount;
		plan.contiguous = !needs.contiguousFor.empty();
		plan.addressLimit = needs.addressLimit;
	}
	Planning(const Planning &) = delete; /* needs and all point into devices */
	Planning &operator=(const Planning &) = delete;

	const DeviceConstraints &producer() const { return devices.front(); }
	Result<Plan> copy(std::string reason, std::vector<std::string> remedies = {}) const
	{
		return copyPlan(planner, request, std::move(reason), std::move(remedies));
	}

	const Planner &planner;
	const PlanRequest &request;
	std::vector<DeviceConstraints> devices;
	MemoryNeeds needs;
	std::vector<const DeviceConstraints *> all;
	Plan plan;
};

/* What a step decided when planning ends there (a copy plan, an error); else nothing. */
using Decided = std::optional<Result<Plan>>;

/* 1. Every device must take the format, or frames are copied once. */
Decided decideFormat(const Planning &p)
{
	const DeviceConstraints &producer = p.producer();
	uint32_t fourcc = p.request.fourcc;
	if (!producer.takesFormat(fourcc))
		return Error(EINVAL, producer.label() + " does not produce " + formatName(fourcc) +
					     "; it produces " + formatList(producer));
	for (const DeviceConstraints &device : p.devices) {
		if (device.takesFormat(fourcc))
			continue;
		std::vector<std::string> remedies;
		for (const FormatModifiers &candidate : producer.formats) {
			bool everyone = std::all_of(p.devices.begin(), p.devices.end(),
						    [&](const DeviceConstraints &d) {
							    return d.takesFormat(candidate.fourcc);
						    });
			if (everyone)
				remedies.push_back("use " + formatName(candidate.fourcc) +
						   ", which every device takes");
		}
		return p.copy(device.name + " does not take " + formatName(fourcc) + " (it takes " +
				      formatList(device) + ")",
			      remedies);
	}
	return {};
}

/* 1b. The layout (modifier) every device reads; one only the producer knows ends here. */
Decided decideModifier(Planning &p)
{
	ModifierChoice shared = chooseModifier(p.devices, p.request.fourcc, p.needs);
	if (!shared.noneReason.empty()) {
		if (p.request.consumers.empty())
			return Error(EINVAL, p.producer().label() + ": " + shared.noneReason);
		return p.copy(shared.noneReason);
	}
	if (!shared.sentence.empty())
		p.plan.explanation.push_back(shared.sentence);
	if (shared.modifier != kModifierLinear)
		return producerLayoutPlan(std::move(p.plan), p.request, p.needs, p.producer(),
					  shared.modifier);
	return {};
}

/* 2. A device that can only use memory of its own DRM device decides the allocator. */
Decided decideOwnMemory(Planning &p)
{
	const DeviceConstraints &gpu = *p.needs.ownMemoryOnly;
	const std::string &owner = gpu.memoryOnlyFrom.value;
	for (const DeviceConstraints &device : p.devices) {
		if (&device == &gpu || device.memoryOnlyFrom.value.empty() ||
		    device.memoryOnlyFrom.value == owner)
			continue;
		return p.copy(gpu.name + " can only use memory from " + owner + " and " +
			      device.name + " only memory from " + device.memoryOnlyFrom.value);
	}
	if (p.plan.contiguous)
		return p.copy(whyContiguous(*p.needs.contiguousFor.front()) + ", but " + gpu.name +
				      " can only use buffers allocated by " + owner + " (" +
				      gpu.memoryOnlyFrom.source + "), which are not contiguous",
			      { "capture from a device that takes scattered pages" });
	p.plan.allocator = AllocatorKind::DrmDumb;
	p.plan.allocatingDevice = owner;
	std::vector<const DeviceConstraints *> importers;
	for (const DeviceConstraints &device : p.devices)
		if (&device != &gpu)
			importers.push_back(&device);
	p.plan.explanation.push_back(gpu.name + " can only use buffers allocated by " + owner +
				     " (" + gpu.memoryOnlyFrom.source + "), so " + owner +
				     " allocates dumb buffers and " + joinNames(importers) +
				     (importers.size() > 1 ? " import them." : " imports them."));
	return {};
}

/*
 * 3a. Whether the memory must be contiguous, in words: for a device without an IOMMU
 * that needs it, or below a device's address limit (a CMA area is placed low at boot).
 */
bool explainContiguity(Planning &p)
{
	Plan &plan = p.plan;
	const MemoryNeeds &needs = p.needs;
	if (plan.contiguous) {
		plan.cmaReason = whyContiguous(*needs.contiguousFor.front());
		plan.explanation.push_back(plan.cmaReason + ".");
		for (size_t i = 1; i < needs.contiguousFor.size(); i++)
			plan.explanation.push_back(whyContiguous(*needs.contiguousFor[i]) + ".");
	} else {
		std::string sentence = "No device needs contiguous memory: ";
		for (size_t i = 0; i < p.devices.size(); i++)
			sentence += (i ? "; " : "") + whyScatteredIsFine(p.devices[i]);
		plan.explanation.push_back(sentence + ".");
	}
	if (!needs.limitedBy)
		return plan.contiguous;
	const DeviceConstraints &limited = *needs.limitedBy;
	std::string reaches = limited.name + " reaches only the first " +
			      bytes(needs.addressLimit) + " of memory";
	if (plan.cmaReason.empty())
		plan.cmaReason = reaches + " (" + limited.addressLimit.source + ")";
	plan.explanation.push_back(
		reaches + " without an IOMMU (" + limited.addressLimit.source +
		"): the buffers come from a CMA area, which must lie below that (it does when "
		"the kernel places it; check the cma= or device tree setting on boards with "
		"more memory).");
	return true;
}

/* The heap allocates, and every device imports. */
void allocateFromHeap(Plan &plan, const HeapInfo &heap)
{
	plan.allocator = AllocatorKind::Heap;
	plan.heap = heap;
	plan.buffersContiguous = heap.contiguous;
	plan.allocatingDevice = heap.name;
}

/* No heap and no export suits: an error naming the devices, what is missing and why. */
Error noAllocator(const Planning &p, bool wantContiguous)
{
	std::string remedy = wantContiguous ? "give the kernel a CMA area (cma=128M) and the "
					      "CMA dma-buf heap (CONFIG_DMABUF_HEAPS_CMA)"
					    : "enable the system dma-buf heap "
					      "(CONFIG_DMABUF_HEAPS_SYSTEM)";
	std::string unused = unusedHeaps(p.request.heaps);
	return Error(ENOENT, "no allocator suits " + joinNames(p.all) + ": there is no " +
				     (wantContiguous ? "contiguous (CMA)" : "dma-buf") +
				     " heap and " + p.producer().name +
				     " cannot export suitable buffers; " + remedy +
				     (unused.empty() ? "" : ". " + unused));
}

/* 3b. Contiguity, addresses and the memory drivers can use decide the heap. */
Decided decideHeap(Planning &p)
{
	const MemoryNeeds &needs = p.needs;
	const DeviceConstraints &producer = p.producer();
	Plan &plan = p.plan;
	const std::vector<HeapInfo> &heaps = p.request.heaps;
	if (!needs.cannotImport.empty() &&
	    (needs.cannotImport.size() > 1 || needs.cannotImport.front() != &producer))
		return p.copy(joinNames(needs.cannotImport) + " cannot import dma-bufs");
	bool wantContiguous = explainContiguity(p);
	if (!needs.usableNarrowedBy.empty())
		plan.explanation.push_back(usableSentence(needs));
	const HeapInfo *heap = pickHeap(heaps, wantContiguous, needs.usable);
	if (producer.canImport && heap) {
		allocateFromHeap(plan, *heap);
		plan.explanation.push_back(std::string("Buffers come from the ") +
					   (heap->contiguous ? "contiguous" : "scatter-gather") +
					   " heap '" + heap->name + "' (" + heap->reason +
					   ") and " + joinNames(p.all) +
					   (p.all.size() > 1 ? " import them." : " imports them."));
	} else if (producer.canImport && !wantContiguous &&
		   (heap = pickHeap(heaps, true, needs.usable))) {
		allocateFromHeap(plan, *heap);
		plan.explanation.push_back(
			std::string(pickHeap(heaps, false, MemoryKinds::all())
					    ? "The scatter-gather heap's memory is not usable by "
					      "every device"
					    : "There is no scatter-gather heap") +
			", so buffers come from the contiguous heap '" + heap->name +
			"', which suits every device too.");
	} else if (producer.canExport && needs.usable.has(MemoryKind::V4l2Export) &&
		   (!wantContiguous || producer.exportsContiguous.value)) {
		plan.allocator = AllocatorKind::ProducerExport;
		plan.allocatingDevice = producer.name;
		plan.buffersContiguous = producer.exportsContiguous.value;
		std::string why = producer.canImport ? std::string("there is no ") +
							       (wantContiguous ? "contiguous (CMA)"
									       : "dma-buf") +
							       " heap to allocate from"
						     : producer.name + " cannot import dma-bufs";
		plan.explanation.push_back(
			"As " + why + ", " + producer.name +
			" allocates the buffers and exports them" +
			(wantContiguous ? " (" + producer.exportsContiguous.source + ")" : "") +
			".");
	} else if (!needs.usableNarrowedBy.empty() && !p.request.consumers.empty()) {
		std::string narrowed = usableSentence(needs);
		narrowed.pop_back(); /* its full stop: the copy plan's sentence goes on */
		return p.copy("no allocator here gives memory every device can use: " + narrowed);
	} else {
		return noAllocator(p, wantContiguous);
	}
	if (std::string unused = unusedHeaps(heaps); !unused.empty())
		plan.explanation.push_back(unused);
	return {};
}

/* 4. The layout satisfies every device's alignment. */
Status layOut(Planning &p)
{
	Plan &plan = p.plan;
	Alignment alignment;
	/* Allocations are whole pages of the machine the buffers live on. */
	alignment.size = p.request.pageSize ? p.request.pageSize : internal::pageSize();
	std::vector<const DeviceConstraints *> aligning;
	for (const DeviceConstraints &device : p.devices) {
		alignment = alignment.merged(device.alignment.value);
		if (device.alignment.value.stride > 1)
			aligning.push_back(&device);
	}
	const PlanRequest &request = p.request;
	Result<Layout> layout =
		computeLayout(request.fourcc, request.width, request.height, alignment);
	if (!layout)
		return layout.error();
	plan.layout = *layout;
	plan.alignment = alignment;
	plan.bufferSize = alignUp(layout->bufferSize(0), alignment.size);
	std::string sentence = "Layout " + layout->describe();
	if (!aligning.empty())
		sentence += ", lines aligned to " + std::to_string(alignment.stride) +
			    " bytes for " + joinNames(aligning);
	plan.explanation.push_back(
		sentence + "; " + std::to_string(plan.bufferCount) + " buffers " +
		(request.bufferCountReason.empty() ? "" : "(" + request.bufferCountReason + ") ") +
		"of " + std::to_string(plan.bufferSize) + " bytes.");
	return {};
}

void explainCaching(Plan &plan)
{
	plan.cpuCached = plan.allocator != AllocatorKind::Heap || plan.heap.cached;
	plan.explanation.push_back(
		plan.cpuCached
			? "CPU mappings are cached: the CPU touches a frame only inside a sync "
			  "scope (DMA_BUF_IOCTL_SYNC), and no sync is issued when it doesn't."
			: "CPU mappings are uncached: CPU reads are slow, so nothing should read "
			  "frames back.");
}

} /* namespace */

const char *allocatorName(AllocatorKind kind)
{
	switch (kind) {
	case AllocatorKind::Heap:
		return "dma-buf heap";
	case AllocatorKind::ProducerExport:
		return "producer export";
	case AllocatorKind::DrmDumb:
		return "DRM dumb buffers";
	}
	return "?";
}

std::string Plan::explain() const
{
	std::string text;
	for (const std::string &sentence : explanation)
		text += (text.empty() ? "" : " ") + sentence;
	return text;
}

DeviceConstraints Planner::withLearned(DeviceConstraints device) const
{
	auto learned = learnedContiguous_.find(device.name);
	if (learned != learnedContiguous_.end()) {
		device.contiguous = { true, learned->second };
		if (device.iommu.value)
			device.iommu = { false, "learned: an import failed despite the IOMMU" };
	}
	return device;
}

std::string Planner::learnFromImportFailure(const std::string &device, bool v4l2,
					    bool bufferWasContiguous, int err)
{
	/*
	 * vb2-dma-contig refuses scattered pages with EFAULT at QBUF; the DRM GEM DMA
	 * helpers refuse them with EINVAL at PRIME import. Only a scattered buffer's failure
	 * says anything about contiguity, and only once.
	 */
	bool meansContiguity = v4l2 ? err == EFAULT : err == EINVAL;
	if (bufferWasContiguous || !meansContiguity || learnedContiguous_.count(device))
		return {};
	std::string why = std::string("learned: it refused a scattered buffer with ") +
			  (err == EFAULT ? "EFAULT" : "EINVAL");
	learnedContiguous_[device] = why;
	return device + " refused a buffer of scattered pages (" +
	       (err == EFAULT ? "EFAULT" : "EINVAL") +
	       "): it needs physically contiguous memory, and the plan now allocates that";
}

Result<Plan> Planner::plan(const PlanRequest &request) const
{
	if (!formatFromDrm(request.fourcc))
		return Error(EINVAL,
			     "cannot plan for unknown format " + fourccToString(request.fourcc));
	Planning p(*this, request);
	if (Decided decided = decideFormat(p))
		return std::move(*decided);
	if (Decided decided = decideModifier(p))
		return std::move(*decided);
	if (Decided decided = p.needs.ownMemoryOnly ? decideOwnMemory(p) : decideHeap(p))
		return std::move(*decided);
	if (Status laid = layOut(p); !laid)
		return laid.error();
	explainCaching(p.plan);
	internal::log(LogCategory::Plan, LogLevel::Info,
		      [&] { return "for " + request.producer.name + ": " + p.plan.explain(); });
	return std::move(p.plan);
}

} /* namespace dmabridge */
