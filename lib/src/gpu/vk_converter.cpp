/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GPU conversion between dma-bufs with Vulkan. Sources are imported plane by plane as the
 * source format table says (source_formats.h) and sampled by one fragment shader whose
 * push constants choose the conversion; the destination is a colour attachment. External
 * memory changes hands around each use: acquired from the foreign queue family before,
 * released to it after, as VK_EXT_queue_family_foreign asks of dma-bufs.
 */
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include <dmabridge/gpu_probe.h>
#include <dmabridge/modifier.h>
#include <dmabridge/vk_converter.h>

#include "../internal/private.h"
#include "convert_frag.h" /* generated: SPIR-V as uint32_t arrays */
#include "convert_vert.h"
#include "source_formats.h"
#include "vk_context.h"
#include "vk_image.h"

namespace dmabridge {

using internal::SourceFormat;
using internal::SourceKind;
using namespace internal::vk;

namespace {

/* Submissions in flight at once: a slot is reused once its fence has signalled. */
constexpr unsigned kSlots = 3;

struct Parameters
{
	float matrix[3][4];
	float offset[4];
	int32_t flags[4];
	float size[4];
};

struct Source
{
	std::vector<ImportedImage> planes;
	VkDescriptorSet descriptors = VK_NULL_HANDLE;
};

struct Target
{
	ImportedImage image;
	VkFramebuffer framebuffer = VK_NULL_HANDLE;
};

struct Slot
{
	VkCommandBuffer commands = VK_NULL_HANDLE;
	VkFence fence = VK_NULL_HANDLE;
	VkSemaphore done = VK_NULL_HANDLE; /* exported as a sync_file */
	bool submitted = false;
};

/* The render pass and pipeline for one destination format. */
struct Output
{
	VkRenderPass renderPass = VK_NULL_HANDLE;
	VkPipeline pipeline = VK_NULL_HANDLE;
};

} /* namespace */

struct VkConverter::State
{
	Context context; /* first: it goes last */
	VkSampler linear = VK_NULL_HANDLE, nearest = VK_NULL_HANDLE;
	VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
	VkPipelineLayout pipelineLayout = VK_NULL_HANDLE;
	VkDescriptorPool descriptorPool = VK_NULL_HANDLE;
	VkShaderModule vertex = VK_NULL_HANDLE, fragment = VK_NULL_HANDLE;
	VkCommandPool commandPool = VK_NULL_HANDLE;
	std::array<Slot, kSlots> slots;
	unsigned nextSlot = 0;
	std::map<VkFormat, Output> outputs;
	std::unordered_map<BufferIdentity, Source> sources;
	std::unordered_map<BufferIdentity, Target> targets;
	uint64_t imports = 0;

	~State();
	Status create();
	Result<Output *> output(VkFormat format);
	Result<Source *> source(std::span<const DmaBuf> buffers, const Layout &layout,
				const SourceFormat &format);
	Result<Target *> target(const DmaBuf &buffer, const Layout &layout, const Output &out);
	void record(const Slot &slot, const Source &source, const Target &target, const Output &out,
		    const Parameters &parameters);
	Status waitFor(Slot &slot);
	void destroySource(Source &source);
	void destroyTarget(Target &target);
};

VkConverter::State::~State()
{
	VkDevice device = context.device;
	if (!device)
		return;
	vkDeviceWaitIdle(device);
	for (auto &[identity, source] : sources)
		destroySource(source);
	for (auto &[identity, target] : targets)
		destroyTarget(target);
	sources.clear();
	targets.clear();
	for (Slot &slot : slots) {
		if (slot.fence)
			vkDestroyFence(device, slot.fence, nullptr);
		if (slot.done)
			vkDestroySemaphore(device, slot.done, nullptr);
	}
	for (auto &[format, out] : outputs) {
		vkDestroyPipeline(device, out.pipeline, nullptr);
		vkDestroyRenderPass(device, out.renderPass, nullptr);
	}
	if (commandPool)
		vkDestroyCommandPool(device, commandPool, nullptr);
	if (descriptorPool)
		vkDestroyDescriptorPool(device, descriptorPool, nullptr);
	vkDestroyShaderModule(device, vertex, nullptr);
	vkDestroyShaderModule(device, fragment, nullptr);
	vkDestroyPipelineLayout(device, pipelineLayout, nullptr);
	vkDestroyDescriptorSetLayout(device, setLayout, nullptr);
	vkDestroySampler(device, linear, nullptr);
	vkDestroySampler(device, nearest, nullptr);
}

void VkConverter::State::destroySource(Source &source)
{
	if (source.descriptors)
		vkFreeDescriptorSets(context.device, descriptorPool, 1, &source.descriptors);
	source.planes.clear();
}

void VkConverter::State::destroyTarget(Target &target)
{
	if (target.framebuffer)
		vkDestroyFramebuffer(context.device, target.framebuffer, nullptr);
	target.image = {};
}

namespace {

Result<VkShaderModule> shader(VkDevice device, const uint32_t *code, size_t bytes)
{
	VkShaderModuleCreateInfo info = { VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO };
	info.codeSize = bytes;
	info.pCode = code;
	VkShaderModule module = VK_NULL_HANDLE;
	if (VkResult r = vkCreateShaderModule(device, &info, nullptr, &module); r != VK_SUCCESS)
		return fail(r, "Vulkan: vkCreateShaderModule");
	return module;
}

Result<VkSampler> sampler(VkDevice device, VkFilter filter)
{
	VkSamplerCreateInfo info = { VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO };
	info.magFilter = info.minFilter = filter;
	info.mipmapMode = VK_SAMPLER_MIPMAP_MODE_NEAREST;
	info.addressModeU = info.addressModeV = info.addressModeW =
		VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
	info.maxLod = 0.0f;
	VkSampler result = VK_NULL_HANDLE;
	if (VkResult r = vkCreateSampler(device, &info, nullptr, &result); r != VK_SUCCESS)
		return fail(r, "Vulkan: vkCreateSampler");
	return result;
}

} /* namespace */

Status VkConverter::State::create()
{
	VkDevice device = context.device;
	Result<VkSampler> smooth = sampler(device, VK_FILTER_LINEAR);
	Result<VkSampler> exact = sampler(device, VK_FILTER_NEAREST);
	if (!smooth || !exact)
		return smooth ? exact.error() : smooth.error();
	linear = *smooth;
	nearest = *exact;

	VkDescriptorSetLayoutBinding binding = {};
	binding.binding = 0;
	binding.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
	binding.descriptorCount = 3;
	binding.stageFlags = VK_SHADER_STAGE_FRAGMENT_BIT;
	VkDescriptorSetLayoutCreateInfo setInfo = {
		VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO
	};
	setInfo.bindingCount = 1;
	setInfo.pBindings = &binding;
	if (VkResult r = vkCreateDescriptorSetLayout(device, &setInfo, nullptr, &setLayout))
		return fail(r, "Vulkan: vkCreateDescriptorSetLayout");
	VkPushConstantRange range = { VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(Parameters) };
	VkPipelineLayoutCreateInfo layoutInfo = { VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO };
	layoutInfo.setLayoutCount = 1;
	layoutInfo.pSetLayouts = &setLayout;
	layoutInfo.pushConstantRangeCount = 1;
	layoutInfo.pPushConstantRanges = &range;
	if (VkResult r = vkCreatePipelineLayout(device, &layoutInfo, nullptr, &pipelineLayout))
		return fail(r, "Vulkan: vkCreatePipelineLayout");

	/* Enough sets for the sources of a few pools at once; each is freed with its buffer. */
	VkDescriptorPoolSize size = { VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 3 * 64 };
	VkDescriptorPoolCreateInfo poolInfo = { VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO };
	poolInfo.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
	poolInfo.maxSets = 64;
	poolInfo.poolSizeCount = 1;
	poolInfo.pPoolSizes = &size;
	if (VkResult r = vkCreateDescriptorPool(device, &poolInfo, nullptr, &descriptorPool))
		return fail(r, "Vulkan: vkCreateDescriptorPool");

	Result<VkShaderModule> vs = shader(device, kConvertVert, sizeof(kConvertVert));
	Result<VkShaderModule> fs = shader(device, kConvertFrag, sizeof(kConvertFrag));
	if (!vs || !fs)
		return vs ? fs.error() : vs.error();
	vertex = *vs;
	fragment = *fs;

	VkCommandPoolCreateInfo commandInfo = { VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO };
	commandInfo.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
	commandInfo.queueFamilyIndex = context.queueFamily;
	if (VkResult r = vkCreateCommandPool(device, &commandInfo, nullptr, &commandPool))
		return fail(r, "Vulkan: vkCreateCommandPool");
	for (Slot &slot : slots) {
		VkCommandBufferAllocateInfo allocate = {
			VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO
		};
		allocate.commandPool = commandPool;
		allocate.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
		allocate.commandBufferCount = 1;
		if (VkResult r = vkAllocateCommandBuffers(device, &allocate, &slot.commands))
			return fail(r, "Vulkan: vkAllocateCommandBuffers");
		VkFenceCreateInfo fenceInfo = { VK_STRUCTURE_TYPE_FENCE_CREATE_INFO };
		if (VkResult r = vkCreateFence(device, &fenceInfo, nullptr, &slot.fence))
			return fail(r, "Vulkan: vkCreateFence");
		if (!context.syncFdExport)
			continue;
		VkExportSemaphoreCreateInfo exportInfo = {
			VK_STRUCTURE_TYPE_EXPORT_SEMAPHORE_CREATE_INFO
		};
		exportInfo.handleTypes = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
		VkSemaphoreCreateInfo semaphoreInfo = { VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO,
							&exportInfo };
		if (VkResult r = vkCreateSemaphore(device, &semaphoreInfo, nullptr, &slot.done))
			return fail(r, "Vulkan: vkCreateSemaphore");
	}
	return {};
}

Result<Output *> VkConverter::State::output(VkFormat format)
{
	auto found = outputs.find(format);
	if (found != outputs.end())
		return &found->second;
	VkDevice device = context.device;
	Output out;
	VkAttachmentDescription attachment = {};
	attachment.format = format;
	attachment.samples = VK_SAMPLE_COUNT_1_BIT;
	attachment.loadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE; /* every pixel is drawn */
	attachment.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
	attachment.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
	attachment.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
	attachment.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
	attachment.finalLayout = VK_IMAGE_LAYOUT_GENERAL;
	VkAttachmentReference reference = { 0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL };
	VkSubpassDescription subpass = {};
	subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
	subpass.colorAttachmentCount = 1;
	subpass.pColorAttachments = &reference;
	VkRenderPassCreateInfo passInfo = { VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO };
	passInfo.attachmentCount = 1;
	passInfo.pAttachments = &attachment;
	passInfo.subpassCount = 1;
	passInfo.pSubpasses = &subpass;
	if (VkResult r = vkCreateRenderPass(device, &passInfo, nullptr, &out.renderPass))
		return fail(r, "Vulkan: vkCreateRenderPass");

	VkPipelineShaderStageCreateInfo stages[2] = {
		{ VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO },
		{ VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO },
	};
	stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
	stages[0].module = vertex;
	stages[0].pName = "main";
	stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
	stages[1].module = fragment;
	stages[1].pName = "main";
	VkPipelineVertexInputStateCreateInfo input = {
		VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO
	};
	VkPipelineInputAssemblyStateCreateInfo assembly = {
		VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO
	};
	assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
	VkPipelineViewportStateCreateInfo viewport = {
		VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO
	};
	viewport.viewportCount = 1;
	viewport.scissorCount = 1;
	VkPipelineRasterizationStateCreateInfo raster = {
		VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO
	};
	raster.polygonMode = VK_POLYGON_MODE_FILL;
	raster.cullMode = VK_CULL_MODE_NONE;
	raster.lineWidth = 1.0f;
	VkPipelineMultisampleStateCreateInfo multisample = {
		VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO
	};
	multisample.rasterizationSamples = VK_SAMPLE_COUNT_1_BIT;
	VkPipelineColorBlendAttachmentState blend = {};
	blend.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT |
			       VK_COLOR_COMPONENT_B_BIT | VK_COLOR_COMPONENT_A_BIT;
	VkPipelineColorBlendStateCreateInfo blending = {
		VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO
	};
	blending.attachmentCount = 1;
	blending.pAttachments = &blend;
	VkDynamicState dynamics[] = { VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR };
	VkPipelineDynamicStateCreateInfo dynamic = {
		VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO
	};
	dynamic.dynamicStateCount = 2;
	dynamic.pDynamicStates = dynamics;
	VkGraphicsPipelineCreateInfo info = { VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO };
	info.stageCount = 2;
	info.pStages = stages;
	info.pVertexInputState = &input;
	info.pInputAssemblyState = &assembly;
	info.pViewportState = &viewport;
	info.pRasterizationState = &raster;
	info.pMultisampleState = &multisample;
	info.pColorBlendState = &blending;
	info.pDynamicState = &dynamic;
	info.layout = pipelineLayout;
	info.renderPass = out.renderPass;
	if (VkResult r = vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &info, nullptr,
						   &out.pipeline)) {
		vkDestroyRenderPass(device, out.renderPass, nullptr);
		return fail(r, "Vulkan: vkCreateGraphicsPipelines");
	}
	return &(outputs[format] = out);
}

Result<Source *> VkConverter::State::source(std::span<const DmaBuf> buffers, const Layout &layout,
					    const SourceFormat &format)
{
	auto found = sources.find(buffers[0].identity());
	if (found != sources.end())
		return &found->second;
	const FormatInfo *info = layout.format();
	Source source;
	for (unsigned p = 0; p < internal::samplePlanes(format.kind); p++) {
		uint32_t fourcc = internal::planeFourcc(format.kind, p, layout.fourcc);
		uint32_t width = info->planeWidth(p, layout.width);
		if (format.kind == SourceKind::Packed422)
			width = (width + 1) / 2; /* two pixels a texel */
		PlaneImport plane = { fourcc,
				      width,
				      info->planeHeight(p, layout.height),
				      layout.planes[p].offset,
				      layout.planes[p].stride,
				      layout.modifier,
				      VK_IMAGE_USAGE_SAMPLED_BIT };
		Result<ImportedImage> image =
			ImportedImage::import(context, buffers[layout.planes[p].buffer], plane);
		if (!image) {
			destroySource(source);
			return image.error();
		}
		source.planes.push_back(std::move(*image));
	}
	VkDescriptorSetAllocateInfo allocate = { VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO };
	allocate.descriptorPool = descriptorPool;
	allocate.descriptorSetCount = 1;
	allocate.pSetLayouts = &setLayout;
	if (VkResult r = vkAllocateDescriptorSets(context.device, &allocate, &source.descriptors)) {
		source.descriptors = VK_NULL_HANDLE;
		destroySource(source);
		return fail(r, "Vulkan: vkAllocateDescriptorSets (more sources than planned)");
	}
	/* RGB is filtered when scaled; planes unpacked by position or at their own
	 * resolution are read exactly. Unused bindings repeat the first plane. */
	std::array<VkDescriptorImageInfo, 3> images;
	for (unsigned i = 0; i < 3; i++) {
		const ImportedImage &plane = source.planes[i < source.planes.size() ? i : 0];
		bool exact = i > 0 || format.kind == SourceKind::Packed422;
		images[i] = { exact ? nearest : linear, plane.view(),
			      VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL };
	}
	VkWriteDescriptorSet write = { VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET };
	write.dstSet = source.descriptors;
	write.descriptorCount = 3;
	write.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
	write.pImageInfo = images.data();
	vkUpdateDescriptorSets(context.device, 1, &write, 0, nullptr);
	imports += source.planes.size();
	return &(sources[buffers[0].identity()] = std::move(source));
}

Result<Target *> VkConverter::State::target(const DmaBuf &buffer, const Layout &layout,
					    const Output &out)
{
	auto found = targets.find(buffer.identity());
	if (found != targets.end())
		return &found->second;
	PlaneImport plane = { layout.fourcc,
			      layout.width,
			      layout.height,
			      layout.planes[0].offset,
			      layout.planes[0].stride,
			      layout.modifier,
			      VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT };
	Result<ImportedImage> image = ImportedImage::import(context, buffer, plane);
	if (!image)
		return image.error();
	Target target;
	target.image = std::move(*image);
	VkImageView view = target.image.view();
	VkFramebufferCreateInfo info = { VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO };
	info.renderPass = out.renderPass;
	info.attachmentCount = 1;
	info.pAttachments = &view;
	info.width = layout.width;
	info.height = layout.height;
	info.layers = 1;
	if (VkResult r = vkCreateFramebuffer(context.device, &info, nullptr, &target.framebuffer))
		return fail(r, "Vulkan: vkCreateFramebuffer of " + layout.describe());
	imports++;
	return &(targets[buffer.identity()] = std::move(target));
}

namespace {

/* A dma-buf image changing hands between the foreign queue family and ours. */
VkImageMemoryBarrier handOver(VkImage image, uint32_t from, uint32_t to, VkImageLayout oldLayout,
			      VkImageLayout newLayout, VkAccessFlags before, VkAccessFlags after)
{
	VkImageMemoryBarrier barrier = { VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER };
	barrier.srcAccessMask = before;
	barrier.dstAccessMask = after;
	barrier.oldLayout = oldLayout;
	barrier.newLayout = newLayout;
	barrier.srcQueueFamilyIndex = from;
	barrier.dstQueueFamilyIndex = to;
	barrier.image = image;
	barrier.subresourceRange = { VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1 };
	return barrier;
}

} /* namespace */

void VkConverter::State::record(const Slot &slot, const Source &source, const Target &target,
				const Output &out, const Parameters &parameters)
{
	VkCommandBuffer commands = slot.commands;
	VkCommandBufferBeginInfo begin = { VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO };
	begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
	vkBeginCommandBuffer(commands, &begin);

	uint32_t foreign = context.foreignFamily, ours = context.queueFamily;
	std::vector<VkImageMemoryBarrier> acquire, release;
	for (const ImportedImage &plane : source.planes) {
		acquire.push_back(handOver(plane.image(), foreign, ours, VK_IMAGE_LAYOUT_GENERAL,
					   VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, 0,
					   VK_ACCESS_SHADER_READ_BIT));
		release.push_back(handOver(plane.image(), ours, foreign,
					   VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL,
					   VK_IMAGE_LAYOUT_GENERAL, 0, 0));
	}
	/* The target's old contents don't matter (every pixel is drawn): no acquire. */
	release.push_back(handOver(target.image.image(), ours, foreign, VK_IMAGE_LAYOUT_GENERAL,
				   VK_IMAGE_LAYOUT_GENERAL, VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT,
				   0));
	vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
			     VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT, 0, 0, nullptr, 0, nullptr,
			     uint32_t(acquire.size()), acquire.data());

	VkRenderPassBeginInfo pass = { VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO };
	pass.renderPass = out.renderPass;
	pass.framebuffer = target.framebuffer;
	pass.renderArea = { { 0, 0 }, { target.image.width(), target.image.height() } };
	vkCmdBeginRenderPass(commands, &pass, VK_SUBPASS_CONTENTS_INLINE);
	VkViewport viewport = { 0, 0, float(target.image.width()), float(target.image.height()),
				0, 1 };
	vkCmdSetViewport(commands, 0, 1, &viewport);
	vkCmdSetScissor(commands, 0, 1, &pass.renderArea);
	vkCmdBindPipeline(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, out.pipeline);
	vkCmdBindDescriptorSets(commands, VK_PIPELINE_BIND_POINT_GRAPHICS, pipelineLayout, 0, 1,
				&source.descriptors, 0, nullptr);
	vkCmdPushConstants(commands, pipelineLayout, VK_SHADER_STAGE_FRAGMENT_BIT, 0,
			   sizeof(parameters), &parameters);
	vkCmdDraw(commands, 3, 1, 0, 0);
	vkCmdEndRenderPass(commands);

	vkCmdPipelineBarrier(commands,
			     VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT |
				     VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT,
			     VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, 0, 0, nullptr, 0, nullptr,
			     uint32_t(release.size()), release.data());
	vkEndCommandBuffer(commands);
}

Status VkConverter::State::waitFor(Slot &slot)
{
	if (!slot.submitted)
		return {};
	if (VkResult r = vkWaitForFences(context.device, 1, &slot.fence, VK_TRUE, UINT64_MAX))
		return fail(r, "Vulkan on " + context.name + ": vkWaitForFences");
	vkResetFences(context.device, 1, &slot.fence);
	slot.submitted = false;
	return {};
}

DMABRIDGE_DEFINE_PRIVATE(VkConverter)

std::span<const char *const> VkConverter::requiredExtensions()
{
	return kRequiredExtensions;
}

Result<VkConverter> VkConverter::create(unsigned deviceIndex)
{
	auto state = std::make_unique<State>();
	if (Status opened = state->context.open(int(deviceIndex)); !opened)
		return opened.error();
	if (Status created = state->create(); !created)
		return created.error();
	return VkConverter(std::move(state));
}

Result<VkConverter> VkConverter::create()
{
	auto state = std::make_unique<State>();
	if (Status opened = state->context.open(-1); !opened)
		return opened.error();
	if (Status created = state->create(); !created)
		return created.error();
	return VkConverter(std::move(state));
}

unsigned VkConverter::deviceIndex() const
{
	return state_->context.index;
}

const std::string &VkConverter::deviceName() const
{
	return state_->context.name;
}

std::string VkConverter::driverKey() const
{
	return state_->context.name + "; " + state_->context.driverInfo;
}

namespace {

/* The modifiers every sampled plane of a source format imports in; linear alone for YUV,
 * whose planes are imported one by one. */
std::vector<uint64_t> sourceModifiers(const Context &context, const SourceFormat &format)
{
	std::vector<uint64_t> shared;
	for (unsigned p = 0; p < internal::samplePlanes(format.kind); p++) {
		std::vector<uint64_t> plane = context.importModifiers(
			internal::planeFourcc(format.kind, p, format.fourcc),
			VK_IMAGE_USAGE_SAMPLED_BIT);
		if (p == 0) {
			shared = plane;
			continue;
		}
		std::erase_if(shared, [&](uint64_t m) {
			return std::find(plane.begin(), plane.end(), m) == plane.end();
		});
	}
	if (format.kind != SourceKind::Rgb)
		std::erase_if(shared, [](uint64_t m) { return m != kModifierLinear; });
	return shared;
}

void addFormat(std::vector<FormatModifiers> &formats, uint32_t fourcc,
	       std::vector<uint64_t> modifiers)
{
	if (modifiers.empty())
		return;
	if (modifiers == std::vector<uint64_t>{ kModifierLinear })
		modifiers.clear(); /* linear alone is an empty list */
	formats.push_back({ fourcc, std::move(modifiers) });
}

} /* namespace */

Result<DeviceConstraints> VkConverter::probe() const
{
	const Context &context = state_->context;
	DeviceConstraints device;
	device.name = "vulkan-" + context.name.substr(0, context.name.find(' '));
	device.node = "vulkan:" + std::to_string(context.index);
	device.role = "Vulkan dma-buf import (" + driverKey() + ")";
	device.driver = device.name;
	for (const FormatInfo &info : formats())
		if (const SourceFormat *format = internal::sourceFormat(info.drm))
			addFormat(device.formats, info.drm, sourceModifiers(context, *format));
	device.canImport = true;
	device.contiguous = { false, "GPUs reach memory through their own page tables" };
	device.coherent = { false, "Vulkan import: CPU access syncs" };
	GpuProbeTarget target{ GpuApi::Vulkan, std::to_string(context.index), "", driverKey() };
	Result<GpuMemoryReport> report = probeGpuMemory(target);
	if (!report)
		return report.error();
	applyMemoryReport(device, *report);
	return device;
}

std::vector<FormatModifiers> VkConverter::renderFormats() const
{
	std::vector<FormatModifiers> result;
	for (const FormatInfo &info : formats())
		if (canWrite(info.drm))
			addFormat(result, info.drm,
				  state_->context.importModifiers(
					  info.drm, VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT));
	return result;
}

std::string VkConverter::describe() const
{
	return driverKey() + ", Vulkan";
}

std::string VkConverter::fenceSource() const
{
	return state_->context.syncFdExport
		       ? "VK_KHR_external_semaphore_fd (a sync_file semaphore)"
		       : "vkWaitForFences, then the destination's own sync_file "
			 "(DMA_BUF_IOCTL_EXPORT_SYNC_FILE): the driver exports no sync_file "
			 "semaphore";
}

uint64_t VkConverter::imports() const
{
	return state_->imports;
}

size_t VkConverter::images() const
{
	size_t count = state_->targets.size();
	for (const auto &[identity, source] : state_->sources)
		count += source.planes.size();
	return count;
}

void VkConverter::release(const BufferIdentity &identity)
{
	auto source = state_->sources.find(identity);
	auto target = state_->targets.find(identity);
	if (source == state_->sources.end() && target == state_->targets.end())
		return;
	/* A submission in flight may still read it. */
	vkQueueWaitIdle(state_->context.queue);
	for (Slot &slot : state_->slots)
		(void)state_->waitFor(slot);
	if (source != state_->sources.end()) {
		state_->destroySource(source->second);
		state_->sources.erase(source);
	}
	if (target != state_->targets.end()) {
		state_->destroyTarget(target->second);
		state_->targets.erase(target);
	}
}

Status VkConverter::convert(std::span<const DmaBuf> source, const Layout &sourceLayout,
			    const DmaBuf &destination, const Layout &destinationLayout,
			    YuvEncoding encoding, UniqueFd *done)
{
	State &s = *state_;
	const SourceFormat *format = internal::sourceFormat(sourceLayout.fourcc);
	if (!format || source.size() < sourceLayout.buffers || !sourceLayout.format())
		return Error(EINVAL, "the Vulkan converter cannot read " + sourceLayout.describe());
	VkFormat outFormat = formatOf(destinationLayout.fourcc);
	if (!canWrite(destinationLayout.fourcc) || outFormat == VK_FORMAT_UNDEFINED)
		return Error(EINVAL, "the Vulkan converter cannot render into " +
					     destinationLayout.describe());
	Result<Output *> out = s.output(outFormat);
	if (!out)
		return out.error();
	Result<Source *> in = s.source(source, sourceLayout, *format);
	if (!in)
		return in.error();
	Result<Target *> target = s.target(destination, destinationLayout, **out);
	if (!target)
		return target.error();

	Parameters parameters = {};
	std::array<float, 9> matrix = internal::yuvMatrix(encoding);
	for (unsigned c = 0; c < 3; c++)
		for (unsigned r = 0; r < 3; r++)
			parameters.matrix[c][r] = matrix[c * 3 + r];
	for (unsigned i = 0; i < 3; i++)
		parameters.offset[i] = internal::kYuvOffset[i];
	parameters.flags[0] = internal::shaderKind(format->kind);
	parameters.flags[1] = format->swapChroma;
	parameters.flags[2] = format->yFirst;
	parameters.size[0] = float(sourceLayout.width);

	Slot &slot = s.slots[s.nextSlot++ % kSlots];
	if (Status free = s.waitFor(slot); !free)
		return free;
	s.record(slot, **in, **target, **out, parameters);
	bool exportFence = done && s.context.syncFdExport;
	VkSubmitInfo submit = { VK_STRUCTURE_TYPE_SUBMIT_INFO };
	submit.commandBufferCount = 1;
	submit.pCommandBuffers = &slot.commands;
	submit.signalSemaphoreCount = exportFence ? 1 : 0;
	submit.pSignalSemaphores = &slot.done;
	if (VkResult r = vkQueueSubmit(s.context.queue, 1, &submit, slot.fence))
		return fail(r, "Vulkan on " + s.context.name + ": vkQueueSubmit");
	slot.submitted = true;

	if (exportFence) {
		VkSemaphoreGetFdInfoKHR info = { VK_STRUCTURE_TYPE_SEMAPHORE_GET_FD_INFO_KHR };
		info.semaphore = slot.done;
		info.handleType = VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_SYNC_FD_BIT;
		int fd = -1;
		if (VkResult r = s.context.getSemaphoreFd(s.context.device, &info, &fd))
			return fail(r, "Vulkan on " + s.context.name + ": vkGetSemaphoreFdKHR");
		*done = UniqueFd(fd); /* -1: already signalled, which a sync_file may say so */
		return {};
	}
	if (Status finished = s.waitFor(slot); !finished)
		return finished;
	if (done) {
		Result<UniqueFd> own = destination.exportSyncFile(DmaBuf::FenceFor::Read);
		*done = own ? std::move(*own) : UniqueFd();
	}
	return {};
}

} /* namespace dmabridge */
