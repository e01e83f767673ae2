/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "peer_devices.h"

#include <cstring>
#include <functional>
#include <string>

#include <gbm.h>
#include <gst/base/gstbasesrc.h>
#include <xf86drm.h>

#include <dmabridge/drm.h>
#include <dmabridge/egl.h>
#include <dmabridge/v4l2.h>

GST_DEBUG_CATEGORY_STATIC(peer_debug);
#define GST_CAT_DEFAULT peer_debug

namespace dmabridge::gst {

namespace {

std::string stringProperty(GstElement *element, const char *name)
{
	if (!g_object_class_find_property(G_OBJECT_GET_CLASS(element), name))
		return {};
	gchar *value = nullptr;
	g_object_get(element, name, &value, nullptr);
	std::string text = value ? value : "";
	g_free(value);
	return text;
}

/* kmssink's display: by driver-name, else the first with modesetting, as it opens it. */
Result<DeviceConstraints> kmssinkDisplay(GstElement *sink)
{
	std::string driver = stringProperty(sink, "driver-name");
	Result<DrmDevice> device =
		driver.empty() ? DrmDevice::openDisplayDevice() : DrmDevice::openByDriver(driver);
	if (!device)
		return device.error();
	Result<DeviceConstraints> display = device->probe();
	if (display)
		display->role += " (behind " + std::string(GST_OBJECT_NAME(sink)) + ")";
	return display;
}

const char *factoryName(GstElement *element)
{
	GstElementFactory *factory = gst_element_get_factory(element);
	return factory ? GST_OBJECT_NAME(factory) : "";
}

/*
 * Upstream elements that pass an allocation query on as it is: the element that sent
 * one through them is the one that imports into the pool offered. Any other element
 * asks for itself (videoconvert fills the pool; the camera before it doesn't).
 */
constexpr const char *kPassingQueriesOn[] = { "queue",    "queue2", "multiqueue", "capsfilter",
					      "identity", "tee",    "valve" };

bool passesQueriesOn(GstElement *element)
{
	for (const char *name : kPassingQueriesOn)
		if (!std::strcmp(factoryName(element), name))
			return true;
	return false;
}

bool fromPlugin(GstElement *element, const char *name)
{
	GstElementFactory *factory = gst_element_get_factory(element);
	GstPlugin *plugin =
		factory ? GST_PLUGIN(gst_plugin_feature_get_plugin(GST_PLUGIN_FEATURE(factory)))
			: nullptr;
	bool match = plugin && !std::strcmp(gst_plugin_get_name(plugin), name);
	if (plugin)
		gst_object_unref(plugin);
	return match;
}

/*
 * Calls visit on each element downstream of pad (a source pad), or upstream of it (a sink
 * pad); where it returns true (the element is one it was looking for) the walk goes no
 * further along that branch, nor into dmabridge's own elements, which describe
 * themselves.
 */
void walk(GstPad *pad, unsigned depth, const std::function<bool(GstElement *)> &visit)
{
	bool downstream = GST_PAD_DIRECTION(pad) == GST_PAD_SRC;
	GstPad *peer = gst_pad_get_peer(pad);
	GstElement *element = peer ? gst_pad_get_parent_element(peer) : nullptr;
	if (peer)
		gst_object_unref(peer);
	if (!element)
		return;
	if (!visit(element) && !fromPlugin(element, "dmabridge") && depth < 8) {
		GstIterator *pads = downstream ? gst_element_iterate_src_pads(element)
					       : gst_element_iterate_sink_pads(element);
		GValue item = G_VALUE_INIT;
		while (gst_iterator_next(pads, &item) == GST_ITERATOR_OK) {
			walk(GST_PAD(g_value_get_object(&item)), depth + 1, visit);
			g_value_reset(&item);
		}
		g_value_unset(&item);
		gst_iterator_free(pads);
	}
	gst_object_unref(element);
}

/*
 * The capture queue that writes into the buffers it is given: of a V4L2 camera, or of a
 * memory-to-memory device (decoder, converter), at a node or by name, as the library
 * opens it. Whoever imports says nothing of exporting: it allocates nothing.
 */
Result<DeviceConstraints> captureQueue(const std::string &device, const std::string &who)
{
	Result<V4l2Device> opened = device.rfind("/dev/", 0) == 0 ? V4l2Device::open(device)
								  : V4l2Device::openByName(device);
	Result<DeviceConstraints> queue = opened ? opened->probe(V4l2Direction::Capture)
						 : Result<DeviceConstraints>(opened.error());
	if (!queue)
		return queue;
	queue->role += " (behind " + who + ")";
	queue->canExport = false;
	return queue;
}

void initCategory()
{
	static bool initialised = [] {
		GST_DEBUG_CATEGORY_INIT(peer_debug, "dmabridgepeer", 0,
					"dmabridge: devices behind upstream elements");
		return true;
	}();
	(void)initialised;
}

} /* namespace */

std::vector<DeviceConstraints> upstreamImportersDownstream(GstPad *pad)
{
	initCategory();
	std::vector<DeviceConstraints> found;
	walk(pad, 0, [&](GstElement *element) {
		if (std::strcmp(factoryName(element), "kmssink"))
			return false;
		Result<DeviceConstraints> display = kmssinkDisplay(element);
		if (display)
			found.push_back(std::move(*display));
		else
			GST_INFO("%s: %s", GST_OBJECT_NAME(element),
				 display.error().describe().c_str());
		return true;
	});
	return found;
}

bool gstGlDownstream(GstPad *pad)
{
	initCategory();
	bool found = false;
	walk(pad, 0, [&](GstElement *element) {
		found = found || fromPlugin(element, "opengl");
		return fromPlugin(element, "opengl");
	});
	return found;
}

namespace {

/* The DRM node of a GL display on GBM: the node its gbm device was created on. */
Result<std::string> gbmNodeOf(GstGLDisplay *display)
{
	if (!(gst_gl_display_get_handle_type(display) & GST_GL_DISPLAY_TYPE_GBM))
		return Error(ENOTSUP,
			     "its GL display is not on GBM (display type 0x" +
				     std::to_string(gst_gl_display_get_handle_type(display)) +
				     "): only a GBM display's device can be opened the same way");
	auto *gbm = reinterpret_cast<gbm_device *>(gst_gl_display_get_handle(display));
	char *node = gbm ? drmGetDeviceNameFromFd2(gbm_device_get_fd(gbm)) : nullptr;
	if (!node)
		return Error(ENODEV, "its GBM display names no DRM node");
	std::string path = node;
	std::free(node);
	return path;
}

/* The GL context of a GStreamer GL element (GstGLBaseFilter's, glimagesink's). */
GstGLContext *contextOf(GstElement *element)
{
	GParamSpec *spec = g_object_class_find_property(G_OBJECT_GET_CLASS(element), "context");
	if (!spec || !g_type_is_a(spec->value_type, GST_TYPE_GL_CONTEXT))
		return nullptr;
	GstGLContext *context = nullptr;
	g_object_get(element, "context", &context, nullptr);
	return context;
}

Result<DeviceConstraints> gpuOfContext(GstElement *element, GstGLContext *context)
{
	std::string who = GST_OBJECT_NAME(element);
	GstGLDisplay *display = gst_gl_context_get_display(context);
	Result<std::string> node = gbmNodeOf(display);
	gst_object_unref(display);
	Result<DrmDevice> drm = node ? DrmDevice::open(*node) : Result<DrmDevice>(node.error());
	Result<EglDevice> egl = drm ? EglDevice::open(*drm) : Result<EglDevice>(drm.error());
	Result<DeviceConstraints> gpu = egl ? egl->probe() : Result<DeviceConstraints>(egl.error());
	if (!gpu)
		return Error(gpu.error().code(), who + ": " + gpu.error().message());
	gpu->role = "GStreamer GL's GPU (" + who + ", GBM)";
	return gpu;
}

} /* namespace */

Result<DeviceConstraints> gstGlGpu(GstPad *pad, GstGLContext **contextOut)
{
	initCategory();
	std::optional<Result<DeviceConstraints>> found;
	walk(pad, 0, [&](GstElement *element) {
		if (found || !fromPlugin(element, "opengl"))
			return found.has_value();
		GstGLContext *context = contextOf(element);
		if (!context)
			return false; /* glupload's may not exist yet: the next one's */
		found = gpuOfContext(element, context);
		if (contextOut)
			*contextOut = context;
		else
			gst_object_unref(context);
		return true;
	});
	if (!found)
		return Error(ENODEV, "no GStreamer GL element downstream has a GL context yet");
	return std::move(*found);
}

std::optional<DeviceConstraints> importerUpstream(GstPad *pad, const std::string &fallback)
{
	initCategory();
	std::optional<DeviceConstraints> found;
	walk(pad, 0, [&](GstElement *element) {
		std::string device = stringProperty(element, "device");
		if (found || !fromPlugin(element, "video4linux2") || device.empty())
			return !passesQueriesOn(element);
		Result<DeviceConstraints> queue = captureQueue(device, GST_OBJECT_NAME(element));
		if (queue)
			found = std::move(*queue);
		else
			GST_INFO("%s: %s", GST_OBJECT_NAME(element),
				 queue.error().describe().c_str());
		return true;
	});
	if (found || fallback.empty())
		return found;
	Result<DeviceConstraints> queue = captureQueue(fallback, "producer-device");
	if (queue)
		return std::move(*queue);
	GST_WARNING("producer-device %s: %s", fallback.c_str(), queue.error().describe().c_str());
	return std::nullopt;
}

bool qosHeardByNoOne(GstPad *pad, std::string &source)
{
	initCategory();
	bool heard = false, reached = false;
	walk(pad, 0, [&](GstElement *element) {
		/* identity passes queries on but may act on QoS (its qos property). */
		if (passesQueriesOn(element) && std::strcmp(factoryName(element), "identity"))
			return false;
		if (GST_IS_BASE_SRC(element)) {
			auto *base = static_cast<GstBaseSrcClass *>(
				g_type_class_peek(GST_TYPE_BASE_SRC));
			bool drops = GST_BASE_SRC_GET_CLASS(element)->event == base->event ||
				     fromPlugin(element, "dmabridge");
			heard = heard || !drops;
			reached = true;
			source = GST_OBJECT_NAME(element);
		} else {
			heard = true;
		}
		return true;
	});
	return reached && !heard;
}

GParamSpec *producerDeviceSpec()
{
	return g_param_spec_string(
		"producer-device", "Producer device",
		"The V4L2 device (node or name) that writes into the pool offered upstream, for "
		"when the element upstream doesn't say: v4l2src and the V4L2 decoders and "
		"converters are found by their device property",
		nullptr, GParamFlags(G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS));
}

} /* namespace dmabridge::gst */
