/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "upstream_camera.h"

#include <string_view>

#include <dmabridge/camera.h>
#include <dmabridge/heap.h>
#include <dmabridge/plan.h>

namespace dmabridge::gst {

namespace {

/* The element upstream of pad through elements with one input each; a reference. */
GstElement *sourceUpstream(GstPad *pad)
{
	GstPad *peer = gst_pad_get_peer(pad);
	for (int depth = 0; peer && depth < 16; depth++) {
		GstElement *element = gst_pad_get_parent_element(peer);
		gst_object_unref(peer);
		peer = nullptr;
		if (!element)
			return nullptr;
		GST_OBJECT_LOCK(element);
		GstPad *input = element->numsinkpads == 1
					? GST_PAD(gst_object_ref(element->sinkpads->data))
					: nullptr;
		GST_OBJECT_UNLOCK(element);
		if (!input)
			return element;
		gst_object_unref(element);
		peer = gst_pad_get_peer(input);
		gst_object_unref(input);
	}
	if (peer)
		gst_object_unref(peer);
	return nullptr;
}

} /* namespace */

std::optional<DeviceConstraints> upstreamCamera(GstPad *sinkPad, std::string &why)
{
	GstElement *source = sourceUpstream(sinkPad);
	if (!source)
		return std::nullopt;
	GstElementFactory *factory = gst_element_get_factory(source);
	bool libcamera = factory && std::string_view(GST_OBJECT_NAME(factory)) == "libcamerasrc";
	gchar *name = nullptr;
	if (libcamera)
		g_object_get(source, "camera-name", &name, nullptr);
	gst_object_unref(source);
	if (!libcamera)
		return std::nullopt;
	/* No name: libcamerasrc takes the first camera, here the only sensor found. */
	Result<DeviceConstraints> camera = cameraConstraints(name ? name : "");
	g_free(name);
	if (!camera) {
		why = camera.error().describe();
		return std::nullopt;
	}
	return *camera;
}

std::string cameraBuffersUnsuited(const DeviceConstraints &camera,
				  const std::vector<DeviceConstraints> &consumers, uint32_t fourcc,
				  uint32_t width, uint32_t height)
{
	DeviceConstraints exporter = camera;
	exporter.canImport = false; /* libcamerasrc allocates its buffers itself */
	exporter.formats = { { fourcc, {} } };
	Result<Plan> plan =
		Planner().plan({ exporter, consumers, fourcc, width, height, 4, listHeaps() });
	if (!plan)
		return plan.error().message();
	if (plan->copy)
		return plan->copyReason;
	return {};
}

} /* namespace dmabridge::gst */
