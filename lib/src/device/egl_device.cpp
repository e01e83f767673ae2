/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * EGL on GBM over a DRM device: the GPU as a device that imports dma-bufs. Which memory
 * its driver can really use is not something EGL says: eglCreateImage succeeds on
 * buffers Mesa 22.3's software driver then crashes on. That is probed (gpu_probe.h), in a
 * process of its own; this file reports what EGL says and what the probe found.
 */
#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <vector>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GLES2/gl2.h>
#include <GLES2/gl2ext.h>
#include <drm_fourcc.h>
#include <gbm.h>

#include <dmabridge/egl.h>
#include <dmabridge/gpu_probe.h>
#include <dmabridge/modifier.h>
#include <dmabridge/quirks.h>

#include "../internal/counters.h"
#include "../internal/log.h"
#include "../internal/private.h"
#include "sysfs.h"

namespace dmabridge {

struct EglDevice::State
{
	SharedFd drmFd;
	std::string drmNode; /* empty on the software device */
	std::string where;   /* "EGL on vgem (/dev/dri/card0)", "EGL on the software device" */
	gbm_device *gbm = nullptr;
	EGLDisplay display = EGL_NO_DISPLAY;
	EGLContext context = EGL_NO_CONTEXT;
	std::string renderer;
	std::string glVersion;
	std::string driver;
	bool modifiers = false;
	bool nativeFences = false;

	PFNEGLCREATEIMAGEKHRPROC createImage = nullptr;
	PFNEGLDESTROYIMAGEKHRPROC destroyImage = nullptr;
	PFNEGLQUERYDMABUFFORMATSEXTPROC queryFormats = nullptr;
	PFNEGLQUERYDMABUFMODIFIERSEXTPROC queryModifiers = nullptr;
	PFNGLEGLIMAGETARGETTEXTURE2DOESPROC imageTargetTexture = nullptr;
	PFNEGLCREATESYNCKHRPROC createSync = nullptr;
	PFNEGLDESTROYSYNCKHRPROC destroySync = nullptr;
	PFNEGLDUPNATIVEFENCEFDANDROIDPROC dupNativeFence = nullptr;

	~State()
	{
		if (display != EGL_NO_DISPLAY) {
			eglMakeCurrent(display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
			if (context != EGL_NO_CONTEXT)
				eglDestroyContext(display, context);
			eglTerminate(display);
		}
		if (gbm)
			gbm_device_destroy(gbm);
	}
};

namespace {

bool hasExtension(const char *list, const char *name)
{
	if (!list)
		return false;
	size_t length = std::strlen(name);
	for (const char *p = list; (p = std::strstr(p, name)); p += length)
		if ((p == list || p[-1] == ' ') && (p[length] == ' ' || p[length] == '\0'))
			return true;
	return false;
}

std::string eglErrorName(EGLint error)
{
	switch (error) {
	case EGL_BAD_MATCH:
		return "EGL_BAD_MATCH";
	case EGL_BAD_PARAMETER:
		return "EGL_BAD_PARAMETER";
	case EGL_BAD_ALLOC:
		return "EGL_BAD_ALLOC";
	case EGL_BAD_ACCESS:
		return "EGL_BAD_ACCESS";
	case EGL_BAD_DISPLAY:
		return "EGL_BAD_DISPLAY";
	default:
		char text[16];
		std::snprintf(text, sizeof(text), "0x%x", unsigned(error));
		return text;
	}
}

/* The quirk-table key of a GL renderer: its first word, lower case ("llvmpipe"). */
std::string driverOf(const std::string &renderer)
{
	std::string word = renderer.substr(0, renderer.find(' '));
	std::transform(word.begin(), word.end(), word.begin(), ::tolower);
	return word;
}

template<typename T>
T proc(const char *name)
{
	return reinterpret_cast<T>(eglGetProcAddress(name));
}

} /* namespace */

DMABRIDGE_DEFINE_PRIVATE(EglDevice)

Result<EglDevice> EglDevice::open(const DrmDevice &device)
{
	auto state = std::make_unique<State>();
	state->drmFd = device.sharedFd();
	state->drmNode = device.path();
	state->where = "EGL on " + device.label();
	const std::string &what = state->where;

	state->gbm = gbm_create_device(state->drmFd.get());
	if (!state->gbm)
		return Error(ENODEV, what + ": gbm_create_device failed");

	const char *clientExtensions = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	if (!hasExtension(clientExtensions, "EGL_KHR_platform_gbm") &&
	    !hasExtension(clientExtensions, "EGL_MESA_platform_gbm"))
		return Error(ENOTSUP, what + ": EGL has no GBM platform");
	auto getPlatformDisplay = proc<PFNEGLGETPLATFORMDISPLAYEXTPROC>("eglGetPlatformDisplayEXT");
	state->display = getPlatformDisplay
				 ? getPlatformDisplay(EGL_PLATFORM_GBM_KHR, state->gbm, nullptr)
				 : EGL_NO_DISPLAY;
	return finishOpen(std::move(state));
}

Result<EglDevice> EglDevice::openSoftware()
{
	auto state = std::make_unique<State>();
	state->where = "EGL on the software device";
	const char *clientExtensions = eglQueryString(EGL_NO_DISPLAY, EGL_EXTENSIONS);
	if (!hasExtension(clientExtensions, "EGL_EXT_platform_device"))
		return Error(ENOTSUP, "EGL has no device platform (EGL_EXT_platform_device)");
	auto queryDevices = proc<PFNEGLQUERYDEVICESEXTPROC>("eglQueryDevicesEXT");
	auto queryString = proc<PFNEGLQUERYDEVICESTRINGEXTPROC>("eglQueryDeviceStringEXT");
	auto getPlatformDisplay = proc<PFNEGLGETPLATFORMDISPLAYEXTPROC>("eglGetPlatformDisplayEXT");
	std::array<EGLDeviceEXT, 16> devices{};
	EGLint count = 0;
	if (!queryDevices || !queryString || !getPlatformDisplay ||
	    !queryDevices(EGLint(devices.size()), devices.data(), &count))
		return Error(ENOTSUP, "EGL can't list its devices (EGL_EXT_device_enumeration)");
	for (EGLint i = 0; i < count && state->display == EGL_NO_DISPLAY; i++)
		if (hasExtension(queryString(devices[size_t(i)], EGL_EXTENSIONS),
				 "EGL_MESA_device_software"))
			state->display = getPlatformDisplay(EGL_PLATFORM_DEVICE_EXT,
							    devices[size_t(i)], nullptr);
	if (state->display == EGL_NO_DISPLAY)
		return Error(ENODEV, "EGL lists no software device (EGL_MESA_device_software)");
	return finishOpen(std::move(state));
}

namespace {

unsigned kindsUsable(const Result<DeviceConstraints> &probed)
{
	return probed ? unsigned(std::popcount(probed->usableMemory.value.bits)) : 0;
}

} /* namespace */

Result<EglDevice> EglDevice::openAny()
{
	Result<DrmDevice> drm = DrmDevice::openRenderDevice();
	Result<EglDevice> onDrm = drm ? open(*drm) : Result<EglDevice>(drm.error());
	Result<DeviceConstraints> drmProbed =
		onDrm ? onDrm->probe() : Result<DeviceConstraints>(onDrm.error());
	if (drmProbed && drmProbed->usableMemory.value.isAll())
		return onDrm;
	Result<EglDevice> software = openSoftware();
	Result<DeviceConstraints> softwareProbed =
		software ? software->probe() : Result<DeviceConstraints>(software.error());
	bool better = kindsUsable(softwareProbed) > kindsUsable(drmProbed);
	Result<EglDevice> &chosen = better || !drmProbed ? software : onDrm;
	if (!chosen)
		return !drmProbed ? drmProbed.error() : chosen.error();
	/* Opening the other made its own context current on this thread. */
	if (Status current = chosen->makeCurrent(); !current)
		return current.error();
	return std::move(*chosen);
}

Result<EglDevice> EglDevice::finishOpen(std::unique_ptr<State> state)
{
	const std::string &what = state->where;
	if (state->display == EGL_NO_DISPLAY || !eglInitialize(state->display, nullptr, nullptr))
		return Error(ENODEV,
			     what + ": eglInitialize failed (" + eglErrorName(eglGetError()) + ")");

	const char *extensions = eglQueryString(state->display, EGL_EXTENSIONS);
	for (const char *needed : { "EGL_EXT_image_dma_buf_import", "EGL_KHR_surfaceless_context",
				    "EGL_KHR_no_config_context" })
		if (!hasExtension(extensions, needed))
			return Error(ENOTSUP, what + ": the driver lacks " + std::string(needed));
	state->modifiers = hasExtension(extensions, "EGL_EXT_image_dma_buf_import_modifiers");
	state->nativeFences = hasExtension(extensions, "EGL_ANDROID_native_fence_sync");

	eglBindAPI(EGL_OPENGL_ES_API);
	const EGLint contextAttributes[] = { EGL_CONTEXT_CLIENT_VERSION, 2, EGL_NONE };
	state->context = eglCreateContext(state->display, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT,
					  contextAttributes);
	if (state->context == EGL_NO_CONTEXT)
		return Error(ENOTSUP,
			     what + ": no GLES 2 context (" + eglErrorName(eglGetError()) + ")");
	if (!eglMakeCurrent(state->display, EGL_NO_SURFACE, EGL_NO_SURFACE, state->context))
		return Error(EIO, what + ": eglMakeCurrent failed");

	const char *renderer = reinterpret_cast<const char *>(glGetString(GL_RENDERER));
	state->renderer = renderer ? renderer : "unknown";
	const char *version = reinterpret_cast<const char *>(glGetString(GL_VERSION));
	state->glVersion = version ? version : "unknown";
	state->driver = driverOf(state->renderer);
	if (!hasExtension(reinterpret_cast<const char *>(glGetString(GL_EXTENSIONS)),
			  "GL_OES_EGL_image"))
		return Error(ENOTSUP, what + ": GL lacks GL_OES_EGL_image");

	state->createImage = proc<PFNEGLCREATEIMAGEKHRPROC>("eglCreateImageKHR");
	state->destroyImage = proc<PFNEGLDESTROYIMAGEKHRPROC>("eglDestroyImageKHR");
	state->queryFormats = proc<PFNEGLQUERYDMABUFFORMATSEXTPROC>("eglQueryDmaBufFormatsEXT");
	state->queryModifiers =
		proc<PFNEGLQUERYDMABUFMODIFIERSEXTPROC>("eglQueryDmaBufModifiersEXT");
	state->imageTargetTexture =
		proc<PFNGLEGLIMAGETARGETTEXTURE2DOESPROC>("glEGLImageTargetTexture2DOES");
	if (!state->createImage || !state->destroyImage || !state->imageTargetTexture)
		return Error(ENOTSUP, what + ": EGL image entry points missing");
	state->createSync = proc<PFNEGLCREATESYNCKHRPROC>("eglCreateSyncKHR");
	state->destroySync = proc<PFNEGLDESTROYSYNCKHRPROC>("eglDestroySyncKHR");
	state->dupNativeFence =
		proc<PFNEGLDUPNATIVEFENCEFDANDROIDPROC>("eglDupNativeFenceFDANDROID");
	state->nativeFences = state->nativeFences && state->createSync && state->destroySync &&
			      state->dupNativeFence;
	return EglDevice(std::move(state));
}

const std::string &EglDevice::renderer() const
{
	return state_->renderer;
}

const std::string &EglDevice::glVersion() const
{
	return state_->glVersion;
}

const std::string &EglDevice::driver() const
{
	return state_->driver;
}

const std::string &EglDevice::label() const
{
	return state_->where;
}

const std::string &EglDevice::drmNode() const
{
	return state_->drmNode;
}

bool EglDevice::hasModifiers() const
{
	return state_->modifiers;
}

bool EglDevice::hasNativeFences() const
{
	return state_->nativeFences;
}

Result<UniqueFd> EglDevice::nativeFence() const
{
	if (!state_->nativeFences)
		return Error(ENOTSUP, state_->where + " (" + state_->renderer +
					      ") lacks EGL_ANDROID_native_fence_sync");
	EGLSyncKHR sync =
		state_->createSync(state_->display, EGL_SYNC_NATIVE_FENCE_ANDROID, nullptr);
	if (sync == EGL_NO_SYNC_KHR)
		return Error(EIO, state_->where +
					  ": eglCreateSyncKHR of a native "
					  "fence failed (" +
					  eglErrorName(eglGetError()) + ")");
	/* The fence's fd exists once the commands before it are flushed. */
	glFlush();
	UniqueFd fd(state_->dupNativeFence(state_->display, sync));
	EGLint error = eglGetError();
	state_->destroySync(state_->display, sync);
	if (!fd)
		return Error(EIO, state_->where + ": eglDupNativeFenceFDANDROID failed (" +
					  eglErrorName(error) + ")");
	return fd;
}

Status EglDevice::makeCurrent() const
{
	if (!eglMakeCurrent(state_->display, EGL_NO_SURFACE, EGL_NO_SURFACE, state_->context))
		return Error(EIO, state_->where + ": eglMakeCurrent failed (" +
					  eglErrorName(eglGetError()) + ")");
	return {};
}

void EglDevice::releaseCurrent() const
{
	eglMakeCurrent(state_->display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
}

Result<DeviceConstraints> EglDevice::probe() const
{
	DeviceConstraints device;
	device.name = state_->driver;
	device.node = state_->drmNode;
	device.role = "EGL image import (" + state_->renderer + ")";
	device.driver = state_->driver;

	std::vector<EGLint> fourccs;
	if (state_->modifiers && state_->queryFormats) {
		EGLint count = 0;
		state_->queryFormats(state_->display, 0, nullptr, &count);
		fourccs.resize(size_t(count));
		state_->queryFormats(state_->display, count, fourccs.data(), &count);
		fourccs.resize(size_t(count));
	}
	auto imports = [&](uint32_t fourcc) {
		return fourccs.empty() ||
		       std::find(fourccs.begin(), fourccs.end(), EGLint(fourcc)) != fourccs.end();
	};
	/* YUV formats the driver can't import whole are still sampled plane by plane. */
	bool planes = imports(DRM_FORMAT_R8) && imports(DRM_FORMAT_GR88);
	for (const FormatInfo &format : formats()) {
		if (imports(format.drm))
			device.formats.push_back({ format.drm, modifiersOf(format.drm) });
		else if (format.yuv && planes)
			device.formats.push_back({ format.drm, {} });
	}

	device.canImport = true;
	device.canExport = false;
	device.contiguous = { false, "GPUs reach memory through their own page tables" };
	device.iommu =
		state_->drmNode.empty()
			? Derived<bool>{ false, "a software renderer: the CPU maps the memory" }
			: internal::iommuOf(internal::sysfsDeviceOf("drm", state_->drmNode));
	device.coherent = { false, "EGL says nothing of coherency: CPU access syncs" };
	applyQuirks(device);
	/* What memory the driver can use is tried, not assumed: it accepts imports it can't
	 * use. The probe runs in a process of its own and is cached per driver version. */
	Result<GpuMemoryReport> report = probeGpuMemory(
		{ GpuApi::Gles, state_->drmNode.empty() ? kSoftwareDevice : state_->drmNode,
		  state_->drmNode,
		  state_->renderer + "; " + state_->glVersion + "; " + state_->where });
	if (!report)
		return Error(report.error().code(), state_->where + " (" + state_->renderer +
							    "): " + report.error().message());
	applyMemoryReport(device, *report);
	return device;
}

std::vector<uint64_t> EglDevice::modifiersOf(uint32_t fourcc) const
{
	if (!state_->modifiers || !state_->queryModifiers)
		return {};
	EGLint count = 0;
	state_->queryModifiers(state_->display, EGLint(fourcc), 0, nullptr, nullptr, &count);
	std::vector<EGLuint64KHR> listed(size_t(std::max(count, 0)));
	std::vector<EGLBoolean> externalOnly(listed.size());
	state_->queryModifiers(state_->display, EGLint(fourcc), count, listed.data(),
			       externalOnly.data(), &count);
	std::vector<uint64_t> modifiers;
	for (size_t i = 0; i < size_t(std::max(count, 0)) && i < listed.size(); i++)
		if (!externalOnly[i]) /* GL_TEXTURE_EXTERNAL_OES is not what the converter samples
				       */
			modifiers.push_back(listed[i]);
	if (modifiers == std::vector<uint64_t>{ DRM_FORMAT_MOD_LINEAR })
		modifiers.clear();
	return modifiers;
}

Status EglDevice::checkModifier(uint32_t fourcc, uint64_t modifier) const
{
	if (modifier == DRM_FORMAT_MOD_LINEAR)
		return {};
	std::vector<uint64_t> modifiers = modifiersOf(fourcc);
	if (std::find(modifiers.begin(), modifiers.end(), modifier) != modifiers.end())
		return {};
	std::string listed;
	for (uint64_t taken : modifiers)
		listed += (listed.empty() ? "" : ", ") + modifierName(taken);
	return Error(EINVAL, state_->where + " (" + state_->renderer + ") does not take " +
				     fourccToString(fourcc) + " as " + modifierName(modifier) +
				     " (eglQueryDmaBufModifiersEXT lists " +
				     (listed.empty() ? std::string("linear only") : listed) + ")");
}

Result<EglImage> EglDevice::createImage(const int32_t *attributes, const std::string &what) const
{
	EGLImageKHR image = state_->createImage(state_->display, EGL_NO_CONTEXT,
						EGL_LINUX_DMA_BUF_EXT, nullptr, attributes);
	if (image == EGL_NO_IMAGE_KHR) {
		Error refused(EINVAL, state_->where + " (" + state_->renderer +
					      "): eglCreateImage of " + what + " failed (" +
					      eglErrorName(eglGetError()) + ")");
		return internal::refusedImport(LogCategory::DeviceEgl, std::move(refused));
	}
	internal::countEglImage(+1);
	EglImage result;
	result.display_ = state_->display;
	result.image_ = image;
	result.destroy_ = [](void *display, void *img) {
		auto destroy = proc<PFNEGLDESTROYIMAGEKHRPROC>("eglDestroyImageKHR");
		destroy(static_cast<EGLDisplay>(display), static_cast<EGLImageKHR>(img));
	};
	GLuint texture = 0;
	glGenTextures(1, &texture);
	glBindTexture(GL_TEXTURE_2D, texture);
	state_->imageTargetTexture(GL_TEXTURE_2D, image);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
	glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
	result.texture_ = texture;
	if (GLenum error = glGetError(); error != GL_NO_ERROR)
		return Error(EINVAL, state_->where + ": binding " + what +
					     " to a texture failed (GL error " +
					     std::to_string(error) + ")");
	return result;
}

namespace {

/* Appends one plane's attributes (EGL_DMA_BUF_PLANEn_*) to an attribute list. */
void addPlane(std::vector<EGLint> &attributes, unsigned index, int fd, uint64_t offset,
	      uint32_t stride, uint64_t modifier, bool modifiers)
{
	static const EGLint kFd[] = { EGL_DMA_BUF_PLANE0_FD_EXT, EGL_DMA_BUF_PLANE1_FD_EXT,
				      EGL_DMA_BUF_PLANE2_FD_EXT };
	static const EGLint kOffset[] = { EGL_DMA_BUF_PLANE0_OFFSET_EXT,
					  EGL_DMA_BUF_PLANE1_OFFSET_EXT,
					  EGL_DMA_BUF_PLANE2_OFFSET_EXT };
	static const EGLint kPitch[] = { EGL_DMA_BUF_PLANE0_PITCH_EXT, EGL_DMA_BUF_PLANE1_PITCH_EXT,
					 EGL_DMA_BUF_PLANE2_PITCH_EXT };
	static const EGLint kModLo[] = { EGL_DMA_BUF_PLANE0_MODIFIER_LO_EXT,
					 EGL_DMA_BUF_PLANE1_MODIFIER_LO_EXT,
					 EGL_DMA_BUF_PLANE2_MODIFIER_LO_EXT };
	static const EGLint kModHi[] = { EGL_DMA_BUF_PLANE0_MODIFIER_HI_EXT,
					 EGL_DMA_BUF_PLANE1_MODIFIER_HI_EXT,
					 EGL_DMA_BUF_PLANE2_MODIFIER_HI_EXT };
	attributes.insert(attributes.end(), { kFd[index], fd, kOffset[index], EGLint(offset),
					      kPitch[index], EGLint(stride) });
	if (modifiers)
		attributes.insert(attributes.end(), { kModLo[index], EGLint(modifier & 0xffffffff),
						      kModHi[index], EGLint(modifier >> 32) });
}

} /* namespace */

Result<EglImage> EglDevice::importFrame(std::span<const DmaBuf> buffers, const Layout &layout) const
{
	if (buffers.size() < layout.buffers)
		return Error(EINVAL, "EGL import of " + layout.describe() + " needs " +
					     std::to_string(layout.buffers) + " dma-bufs");
	if (Status taken = checkModifier(layout.fourcc, layout.modifier); !taken)
		return taken.error();
	std::vector<EGLint> attributes = { EGL_WIDTH,
					   EGLint(layout.width),
					   EGL_HEIGHT,
					   EGLint(layout.height),
					   EGL_LINUX_DRM_FOURCC_EXT,
					   EGLint(layout.fourcc) };
	for (unsigned p = 0; p < layout.planeCount; p++) {
		const PlaneLayout &plane = layout.planes[p];
		addPlane(attributes, p, buffers[plane.buffer].fd().get(), plane.offset,
			 plane.stride, layout.modifier, state_->modifiers);
	}
	attributes.push_back(EGL_NONE);
	Result<EglImage> image = createImage(attributes.data(), layout.describe());
	if (image) {
		image->width_ = layout.width;
		image->height_ = layout.height;
	}
	return image;
}

Result<EglImage> EglDevice::importPlane(const DmaBuf &buffer, const Layout &layout, unsigned plane,
					uint32_t planeFourcc) const
{
	const FormatInfo *info = layout.format();
	if (!info || plane >= layout.planeCount)
		return Error(EINVAL, "EGL import of plane " + std::to_string(plane) + " of " +
					     layout.describe());
	if (Status taken = checkModifier(planeFourcc, layout.modifier); !taken)
		return taken.error();
	const FormatInfo *as = formatFromDrm(planeFourcc);
	uint32_t planeBytes = info->planeWidth(plane, layout.width) * info->bytesPerPixel[plane];
	uint32_t texelBytes = planeFourcc == DRM_FORMAT_R8     ? 1
			      : planeFourcc == DRM_FORMAT_GR88 ? 2
							       : 4;
	uint32_t width = planeBytes / texelBytes;
	uint32_t height = info->planeHeight(plane, layout.height);
	std::vector<EGLint> attributes = { EGL_WIDTH,
					   EGLint(width),
					   EGL_HEIGHT,
					   EGLint(height),
					   EGL_LINUX_DRM_FOURCC_EXT,
					   EGLint(planeFourcc) };
	addPlane(attributes, 0, buffer.fd().get(), layout.planes[plane].offset,
		 layout.planes[plane].stride, layout.modifier, state_->modifiers);
	attributes.push_back(EGL_NONE);
	Result<EglImage> image =
		createImage(attributes.data(),
			    "plane " + std::to_string(plane) + " of " + layout.describe() + " as " +
				    (as ? std::string(as->name) : fourccToString(planeFourcc)));
	if (image) {
		image->width_ = width;
		image->height_ = height;
	}
	return image;
}

EglImage::EglImage(EglImage &&other) noexcept
{
	*this = std::move(other);
}

EglImage &EglImage::operator=(EglImage &&other) noexcept
{
	if (this != &other) {
		reset();
		std::swap(display_, other.display_);
		std::swap(image_, other.image_);
		std::swap(texture_, other.texture_);
		std::swap(width_, other.width_);
		std::swap(height_, other.height_);
		std::swap(destroy_, other.destroy_);
	}
	return *this;
}

EglImage::~EglImage()
{
	reset();
}

void EglImage::reset()
{
	if (texture_) {
		GLuint texture = texture_;
		glDeleteTextures(1, &texture);
	}
	if (image_ && destroy_) {
		destroy_(display_, image_);
		internal::countEglImage(-1);
	}
	image_ = nullptr;
	texture_ = 0;
}

} /* namespace dmabridge */
