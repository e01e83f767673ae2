/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GPU conversion between dma-bufs with GLES 2. Sources are sampled without any driver
 * YUV support: RGB formats whole, NV12/NV21/NV16 as an R8 luma and a GR88 chroma image,
 * YUV420 as three R8 images, YUYV/UYVY as an ABGR8888 image of half width whose channels
 * the shader unpacks. The destination is an RGB EGL image bound to a framebuffer object.
 */
#include <array>
#include <map>
#include <unordered_map>
#include <vector>

#include <GLES2/gl2.h>
#include <drm_fourcc.h>

#include <dmabridge/gl_converter.h>

#include "../internal/private.h"
#include "source_formats.h"

namespace dmabridge {

using internal::SourceFormat;
using internal::sourceFormat;
using internal::SourceKind;

namespace {

const char *kVertexShader = R"(
attribute vec2 position;
varying highp vec2 uv;
void main() {
	uv = position * 0.5 + 0.5;
	gl_Position = vec4(position, 0.0, 1.0);
}
)";

/* The YUV-to-RGB step every YUV shader ends with. */
const char *kYuvToRgb = R"(
uniform mediump mat3 yuvMatrix;
uniform mediump vec3 yuvOffset;
vec4 toRgb(mediump vec3 yuv) {
	return vec4(clamp(yuvMatrix * (yuv - yuvOffset), 0.0, 1.0), 1.0);
}
)";

std::string fragmentShader(SourceKind kind, const SourceFormat &format)
{
	std::string head = "precision mediump float;\nvarying highp vec2 uv;\n"
			   "uniform sampler2D plane0;\nuniform sampler2D plane1;\n"
			   "uniform sampler2D plane2;\nuniform highp float sourceWidth;\n";
	std::string u = format.swapChroma ? "c.g" : "c.r";
	std::string v = format.swapChroma ? "c.r" : "c.g";
	switch (kind) {
	case SourceKind::Rgb:
		return head +
		       "void main() { gl_FragColor = vec4(texture2D(plane0, uv).rgb, 1.0); }\n";
	case SourceKind::SemiPlanar:
		return head + kYuvToRgb +
		       "void main() {\n"
		       "	vec2 c = texture2D(plane1, uv).rg;\n"
		       "	gl_FragColor = toRgb(vec3(texture2D(plane0, uv).r, " +
		       u + ", " + v + "));\n}\n";
	case SourceKind::Planar: {
		std::string pu = format.swapChroma ? "plane2" : "plane1";
		std::string pv = format.swapChroma ? "plane1" : "plane2";
		return head + kYuvToRgb +
		       "void main() {\n"
		       "	gl_FragColor = toRgb(vec3(texture2D(plane0, uv).r, texture2D(" +
		       pu + ", uv).r, texture2D(" + pv + ", uv).r));\n}\n";
	}
	case SourceKind::Packed422:
		/* Each RGBA texel holds two pixels; the source column's parity picks the Y. */
		return head + kYuvToRgb +
		       "void main() {\n"
		       "	vec4 t = texture2D(plane0, uv);\n"
		       "	float odd = mod(floor(uv.x * sourceWidth), 2.0);\n" +
		       (format.yFirst
				? "	gl_FragColor = toRgb(vec3(mix(t.r, t.b, odd), t.g, t.a));\n"
				: "	gl_FragColor = toRgb(vec3(mix(t.g, t.a, odd), t.r, "
				  "t.b));\n") +
		       "}\n";
	}
	return {};
}

GLuint compile(GLenum type, const std::string &source, std::string &log)
{
	GLuint shader = glCreateShader(type);
	const char *text = source.c_str();
	glShaderSource(shader, 1, &text, nullptr);
	glCompileShader(shader);
	GLint ok = 0;
	glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
	if (!ok) {
		char buffer[512] = {};
		glGetShaderInfoLog(shader, sizeof(buffer), nullptr, buffer);
		log = buffer;
		glDeleteShader(shader);
		return 0;
	}
	return shader;
}

struct Target
{
	EglImage image;
	GLuint framebuffer = 0;
};

} /* namespace */

struct GlConverter::State
{
	/* First, so that it goes last: every GL object below needs its context. */
	EglDevice device;
	std::map<uint32_t, GLuint> programs; /* by source fourcc */
	std::unordered_map<BufferIdentity, std::vector<EglImage>> sources;
	std::unordered_map<BufferIdentity, Target> targets;
	uint64_t imports = 0;

	~State()
	{
		(void)device.makeCurrent();
		sources.clear();
		for (auto &[identity, target] : targets)
			glDeleteFramebuffers(1, &target.framebuffer);
		for (auto &[fourcc, program] : programs)
			glDeleteProgram(program);
		targets.clear();
		device.releaseCurrent();
	}

	explicit State(EglDevice egl) : device(std::move(egl)) {}

	Result<GLuint> program(const SourceFormat &format)
	{
		auto found = programs.find(format.fourcc);
		if (found != programs.end())
			return found->second;
		std::string log;
		GLuint vs = compile(GL_VERTEX_SHADER, kVertexShader, log);
		GLuint fs =
			vs ? compile(GL_FRAGMENT_SHADER, fragmentShader(format.kind, format), log)
			   : 0;
		if (!vs || !fs)
			return Error(EINVAL, "GL shader for " + fourccToString(format.fourcc) +
						     " did not compile: " + log);
		GLuint program = glCreateProgram();
		glAttachShader(program, vs);
		glAttachShader(program, fs);
		glBindAttribLocation(program, 0, "position");
		glLinkProgram(program);
		glDeleteShader(vs);
		glDeleteShader(fs);
		GLint ok = 0;
		glGetProgramiv(program, GL_LINK_STATUS, &ok);
		if (!ok) {
			glDeleteProgram(program);
			return Error(EINVAL, "GL program for " + fourccToString(format.fourcc) +
						     " did not link");
		}
		programs[format.fourcc] = program;
		return program;
	}

	/* The source's images, one per sampled plane; imported on first use. */
	Result<std::vector<EglImage> *> sourceImages(std::span<const DmaBuf> buffers,
						     const Layout &layout,
						     const SourceFormat &format)
	{
		auto found = sources.find(buffers[0].identity());
		if (found != sources.end())
			return &found->second;
		std::vector<EglImage> images;
		auto importPlane = [&](unsigned plane, uint32_t as) -> Status {
			Result<EglImage> image = device.importPlane(
				buffers[layout.planes[plane].buffer], layout, plane, as);
			if (!image)
				return image.error();
			images.push_back(std::move(*image));
			return {};
		};
		Status status;
		switch (format.kind) {
		case SourceKind::Rgb: {
			Result<EglImage> image = device.importFrame(buffers, layout);
			if (!image)
				return image.error();
			images.push_back(std::move(*image));
			break;
		}
		case SourceKind::SemiPlanar:
			if (!(status = importPlane(0, DRM_FORMAT_R8)) ||
			    !(status = importPlane(1, DRM_FORMAT_GR88)))
				return status.error();
			break;
		case SourceKind::Planar:
			for (unsigned p = 0; p < 3; p++)
				if (!(status = importPlane(p, DRM_FORMAT_R8)))
					return status.error();
			break;
		case SourceKind::Packed422:
			if (!(status = importPlane(0, DRM_FORMAT_ABGR8888)))
				return status.error();
			/* Unpacking by column parity needs exact texels. */
			glBindTexture(GL_TEXTURE_2D, images[0].texture());
			glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
			glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
			break;
		}
		/* Chroma at its own resolution: nearest keeps each sample's value exact. */
		for (size_t i = 1; i < images.size(); i++) {
			glBindTexture(GL_TEXTURE_2D, images[i].texture());
			glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
			glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
		}
		imports += images.size();
		return &(sources[buffers[0].identity()] = std::move(images));
	}

	/*
	 * The consumer may read the destination once this is done: without done, the GPU has
	 * finished; with it, *done signals when it will have. A driver without native fences
	 * is waited for, and the buffer's own fences (implicit sync) handed out.
	 */
	Status finish(const DmaBuf &destination, UniqueFd *done)
	{
		if (done && device.hasNativeFences()) {
			Result<UniqueFd> fence = device.nativeFence();
			if (!fence)
				return fence.error();
			*done = std::move(*fence);
			return {};
		}
		glFinish();
		if (!done)
			return {};
		Result<UniqueFd> own = destination.exportSyncFile(DmaBuf::FenceFor::Read);
		*done = own ? std::move(*own) : UniqueFd(); /* before Linux 6.0: finished is all */
		return {};
	}

	Result<Target *> target(const DmaBuf &buffer, const Layout &layout)
	{
		auto found = targets.find(buffer.identity());
		if (found != targets.end())
			return &found->second;
		Result<EglImage> image = device.importFrame({ &buffer, 1 }, layout);
		if (!image)
			return image.error();
		Target t;
		t.image = std::move(*image);
		glGenFramebuffers(1, &t.framebuffer);
		glBindFramebuffer(GL_FRAMEBUFFER, t.framebuffer);
		glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D,
				       t.image.texture(), 0);
		GLenum status = glCheckFramebufferStatus(GL_FRAMEBUFFER);
		if (status != GL_FRAMEBUFFER_COMPLETE) {
			glDeleteFramebuffers(1, &t.framebuffer);
			return Error(EINVAL, "GL cannot render into " + layout.describe() +
						     " (framebuffer status " +
						     std::to_string(status) + ")");
		}
		imports++;
		return &(targets[buffer.identity()] = std::move(t));
	}
};

DMABRIDGE_DEFINE_PRIVATE(GlConverter)

Result<GlConverter> GlConverter::create(EglDevice device)
{
	return GlConverter(std::make_unique<State>(std::move(device)));
}

const EglDevice &GlConverter::device() const
{
	return state_->device;
}

size_t GlConverter::images() const
{
	size_t count = state_->targets.size();
	for (const auto &[identity, planes] : state_->sources)
		count += planes.size();
	return count;
}

uint64_t GlConverter::imports() const
{
	return state_->imports;
}

void GlConverter::release(const BufferIdentity &identity)
{
	auto source = state_->sources.find(identity);
	auto target = state_->targets.find(identity);
	if (source == state_->sources.end() && target == state_->targets.end())
		return;
	/* Images and framebuffers are the context's objects: deleted with it current. */
	if (Status current = state_->device.makeCurrent(); !current)
		return;
	if (source != state_->sources.end())
		state_->sources.erase(source);
	if (target != state_->targets.end()) {
		glDeleteFramebuffers(1, &target->second.framebuffer);
		state_->targets.erase(target);
	}
	state_->device.releaseCurrent();
}

std::string GlConverter::describe() const
{
	return state_->device.renderer() + ", " + state_->device.glVersion();
}

std::string GlConverter::fenceSource() const
{
	return state_->device.hasNativeFences()
		       ? "EGL_ANDROID_native_fence_sync"
		       : "glFinish, then the destination's own sync_file "
			 "(DMA_BUF_IOCTL_EXPORT_SYNC_FILE): the driver has no "
			 "EGL_ANDROID_native_fence_sync";
}

Status GlConverter::convert(std::span<const DmaBuf> source, const Layout &sourceLayout,
			    const DmaBuf &destination, const Layout &destinationLayout,
			    YuvEncoding encoding, UniqueFd *done)
{
	const SourceFormat *format = sourceFormat(sourceLayout.fourcc);
	if (!format || source.size() < sourceLayout.buffers)
		return Error(EINVAL, "the GPU converter cannot read " + sourceLayout.describe());
	if (!canWrite(destinationLayout.fourcc))
		return Error(EINVAL, "the GPU converter cannot render into " +
					     destinationLayout.describe());
	if (Status current = state_->device.makeCurrent(); !current)
		return current;

	Result<GLuint> program = state_->program(*format);
	if (!program)
		return program.error();
	Result<std::vector<EglImage> *> images =
		state_->sourceImages(source, sourceLayout, *format);
	if (!images)
		return images.error();
	Result<Target *> target = state_->target(destination, destinationLayout);
	if (!target)
		return target.error();

	glBindFramebuffer(GL_FRAMEBUFFER, (*target)->framebuffer);
	glViewport(0, 0, GLsizei(destinationLayout.width), GLsizei(destinationLayout.height));
	glUseProgram(*program);
	const char *samplers[] = { "plane0", "plane1", "plane2" };
	for (size_t i = 0; i < (*images)->size(); i++) {
		glActiveTexture(GLenum(GL_TEXTURE0 + i));
		glBindTexture(GL_TEXTURE_2D, (**images)[i].texture());
		glUniform1i(glGetUniformLocation(*program, samplers[i]), GLint(i));
	}
	glActiveTexture(GL_TEXTURE0);
	std::array<float, 9> matrix = internal::yuvMatrix(encoding);
	glUniformMatrix3fv(glGetUniformLocation(*program, "yuvMatrix"), 1, GL_FALSE, matrix.data());
	glUniform3fv(glGetUniformLocation(*program, "yuvOffset"), 1, internal::kYuvOffset.data());
	glUniform1f(glGetUniformLocation(*program, "sourceWidth"), float(sourceLayout.width));

	static const float quad[] = { -1, -1, 1, -1, -1, 1, 1, 1 };
	glBindBuffer(GL_ARRAY_BUFFER, 0);
	glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, quad);
	glEnableVertexAttribArray(0);
	glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
	glDisableVertexAttribArray(0);
	Status fenced = state_->finish(destination, done);
	GLenum error = glGetError();
	state_->device.releaseCurrent();
	if (error != GL_NO_ERROR)
		return Error(EIO, "GPU conversion of " + sourceLayout.describe() + " into " +
					  destinationLayout.describe() + " failed (GL error " +
					  std::to_string(error) + ")");
	return fenced;
}

} /* namespace dmabridge */
