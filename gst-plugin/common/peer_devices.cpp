/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "peer_devices.h"

#include <cstring>
#include <functional>
#include <string>

#include <dmabridge/drm.h>

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
	Result<DrmDevice> device = Error(ENODEV, "no DRM device with modesetting");
	if (!driver.empty()) {
		device = DrmDevice::openByDriver(driver);
	} else {
		for (const std::string &node : DrmDevice::nodes()) {
			Result<DrmDevice> candidate = DrmDevice::open(node);
			if (candidate && candidate->hasModesetting()) {
				device = std::move(candidate);
				break;
			}
		}
	}
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
 * Calls visit on each element downstream of pad; where it returns true (the element is
 * one it was looking for) the walk goes no further down that branch, nor into
 * dmabridge's own elements, which describe themselves.
 */
void walk(GstPad *pad, unsigned depth, const std::function<bool(GstElement *)> &visit)
{
	GstPad *peer = gst_pad_get_peer(pad);
	GstElement *element = peer ? gst_pad_get_parent_element(peer) : nullptr;
	if (peer)
		gst_object_unref(peer);
	if (!element)
		return;
	if (!visit(element) && !fromPlugin(element, "dmabridge") && depth < 8) {
		GstIterator *pads = gst_element_iterate_src_pads(element);
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

} /* namespace dmabridge::gst */
