/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The plugin's documentation as data: the fields of "dmabridge-stats" (stats.cpp posts the
 * common ones, each element its own), and when each property may change. One place, so
 * that gst-inspect, the README and the code say the same.
 */
#include "element_docs.h"

#include <cstring>
#include <string_view>

#ifndef DMABRIDGE_ORIGIN
#error "the build gives DMABRIDGE_ORIGIN and DMABRIDGE_CONTACT"
#endif

namespace dmabridge::gst {

namespace {

constexpr const char *kCommonStatsFields =
	"frames, copies (frames the CPU copied), bytes-copied, imports (dma-bufs imported "
	"into a device), allocations (buffers allocated for the plan), dropped (frames the "
	"producer marked corrupted), sync-calls (DMA_BUF_IOCTL_SYNC pairs), cpu-accesses "
	"(times the CPU touched a frame's pixels), explanation (the plan, or why a copy), "
	"pool (the plan of the pool offered upstream, when one was)";

constexpr const char *kGpuStatsFields =
	"gpu-images (images of dma-bufs the GPU holds), fences (frames handed on with a "
	"sync_file), fence-source (where those sync_files come from)";

constexpr const char *kM2mStatsFields =
	"coded-copies, coded-bytes-copied, coded-sync-calls (the compressed stream copied "
	"into the device), source-changes, device";

struct ElementStatsFields
{
	const char *factory;
	const char *fields;
};

/* The fields an element adds to the common ones (its extra structure in stats.post()). */
constexpr ElementStatsFields kElementStatsFields[] = {
	{ "dmabridgekmssink",
	  "mode-width, mode-height, plane-id, plane-overlay (1 on an overlay plane), "
	  "destination-x, destination-y, destination-width, destination-height (where the "
	  "frames went); with readback: readback-differing-pixels, readback-colours, "
	  "readback-outside-pixels (not black around the frame), readback-sync-calls, or "
	  "readback-error; flips (page flips seen), fences (frames committed with an "
	  "IN_FENCE_FD)" },
	{ "dmabridgeglconvert", kGpuStatsFields },
	{ "dmabridgevkconvert", kGpuStatsFields },
	{ "dmabridgev4l2convert", kM2mStatsFields },
	{ "dmabridgev4l2dec", kM2mStatsFields },
	{ "dmabridgev4l2enc", kM2mStatsFields },
};

struct PropertyMutability
{
	const char *property;
	GParamFlags mutableIn;
	const char *why;
};

/* Properties the elements read again while running say so; the rest take effect at start. */
constexpr PropertyMutability kPropertyMutability[] = {
	{ "device", GParamFlags(GST_PARAM_MUTABLE_READY), "the device is opened at start" },
	{ "device-name", GParamFlags(GST_PARAM_MUTABLE_READY), "the device is opened at start" },
	{ "driver-name", GParamFlags(GST_PARAM_MUTABLE_READY), "the device is opened at start" },
	{ "io-mode", GParamFlags(GST_PARAM_MUTABLE_READY), "the queue is set up at start" },
	{ "output-io-mode", GParamFlags(GST_PARAM_MUTABLE_READY), "the queue is set up at start" },
	{ "capture-io-mode", GParamFlags(GST_PARAM_MUTABLE_READY), "the queue is set up at start" },
	{ "connector-id", GParamFlags(GST_PARAM_MUTABLE_READY), "the display is set up at start" },
	{ "plane-id", GParamFlags(GST_PARAM_MUTABLE_READY), "the display is set up at start" },
	{ "force-aspect-ratio", GParamFlags(GST_PARAM_MUTABLE_READY),
	  "the display is set up at start" },
	{ "render-rectangle", GParamFlags(GST_PARAM_MUTABLE_PLAYING),
	  "the sink places the next frame in the new rectangle" },
	{ "producer-device", GParamFlags(GST_PARAM_MUTABLE_READY),
	  "read unlocked by the allocation queries" },
	{ "device-index", GParamFlags(GST_PARAM_MUTABLE_READY),
	  "the Vulkan device is chosen at start" },
	{ "fence-timeout", GParamFlags(GST_PARAM_MUTABLE_READY), "read unlocked by each frame" },
	{ "flips", GParamFlags(0), "read-only: page flips seen" },
	{ "readback", GParamFlags(GST_PARAM_MUTABLE_READY), "read unlocked at EOS" },
	{ "snapshot-location", GParamFlags(GST_PARAM_MUTABLE_READY), "read unlocked at EOS" },
};

constexpr GParamFlags kMutableFlags =
	GParamFlags(GST_PARAM_MUTABLE_READY | GST_PARAM_MUTABLE_PAUSED | GST_PARAM_MUTABLE_PLAYING);

std::string statsFields(std::string_view factory)
{
	std::string fields = kCommonStatsFields;
	for (const ElementStatsFields &element : kElementStatsFields) {
		if (factory != element.factory)
			continue;
		fields += "; and its own: ";
		fields += element.fields;
	}
	return fields;
}

/* The flags of the element's own properties; the base classes' belong to GStreamer. */
bool markMutability(GObjectClass *klass, std::string &error)
{
	guint count = 0;
	GParamSpec **specs = g_object_class_list_properties(klass, &count);
	bool known = true;
	for (guint i = 0; i < count && known; i++) {
		GParamSpec *spec = specs[i];
		if (!g_str_has_prefix(g_type_name(spec->owner_type), "GstDmabridge"))
			continue;
		known = false;
		for (const PropertyMutability &entry : kPropertyMutability) {
			if (std::strcmp(entry.property, g_param_spec_get_name(spec)) != 0)
				continue;
			spec->flags = GParamFlags((spec->flags & ~kMutableFlags) | entry.mutableIn);
			known = true;
		}
		if (!known)
			error = std::string("property '") + g_param_spec_get_name(spec) + "' of " +
				g_type_name(G_OBJECT_CLASS_TYPE(klass)) +
				" has no entry in element_docs.cpp's kPropertyMutability";
	}
	g_free(specs);
	return known;
}

} /* namespace */

bool documentElement(const char *factoryName, GType type, std::string &error)
{
	auto *klass = static_cast<GstElementClass *>(g_type_class_ref(type));
	std::string description =
		gst_element_class_get_metadata(klass, GST_ELEMENT_METADATA_DESCRIPTION);
	description += ". Posts the element message \"dmabridge-stats\" at EOS and on its way "
		       "to NULL (gst-launch-1.0 -m shows it), with the fields " +
		       statsFields(factoryName);
	gst_element_class_add_metadata(klass, GST_ELEMENT_METADATA_DESCRIPTION,
				       description.c_str());
	gst_element_class_add_static_metadata(klass, GST_ELEMENT_METADATA_AUTHOR,
					      DMABRIDGE_CONTACT);
	gst_element_class_add_static_metadata(klass, GST_ELEMENT_METADATA_DOC_URI,
					      DMABRIDGE_ORIGIN);
	bool marked = markMutability(G_OBJECT_CLASS(klass), error);
	g_type_class_unref(klass);
	return marked;
}

} /* namespace dmabridge::gst */
