/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dmabridge-info: the software stack, what every device on this machine accepts of a
 * shared buffer, each fact with where it came from, and which nodes could not be opened
 * and why.
 *
 *   dmabridge-info           readable text
 *   dmabridge-info --json    the same for scripts (schema in README.md)
 *   dmabridge-info --profile ID   the devices as a board profile named ID, each fact
 *                            with the probe's source (dmabridge-plan --board FILE reads it)
 *   --debug                  also what the drivers printed while probed (on stderr)
 */
#include <cstdio>
#include <cstring>
#include <string>
#include <sys/utsname.h>

#include <dmabridge/board_profile.h>
#include <dmabridge/inventory.h>

#include "../common/describe.h"
#include "../common/driver_output.h"
#include "stack.h"

using namespace dmabridge;
using namespace dmabridge::tools;

namespace {

std::string planeText(const DrmPlane &plane)
{
	return "plane " + std::to_string(plane.id) + " (" + plane.type +
	       "): " + formatNames(plane.formats);
}

/* Which way a codec codes: "of FWHT (output queue, compressed in)". */
std::string m2mFormats(const InventoryDevice &device)
{
	if (device.codedFormats.empty())
		return ": raw frames in, raw frames out";
	std::string names;
	for (const std::string &name : device.codedFormats)
		names += (names.empty() ? "" : ", ") + name;
	return " of " + names +
	       (device.m2mRole == "decoder" ? " (its output queue reads them)"
					    : " (its capture queue writes them)");
}

void printText(const Inventory &inventory)
{
	std::printf("software stack\n");
	for (const StackPart &part : softwareStack(inventory))
		std::printf("  %-10s %s\n", part.name.c_str(), part.version.c_str());
	std::printf("\n");
	for (const char *kind : { "V4L2", "DRM", "EGL" }) {
		std::printf("%s devices\n", kind);
		bool any = false;
		for (const InventoryDevice &device : inventory.devices) {
			if (device.kind != kind)
				continue;
			any = true;
			std::printf("  %s  %s  (driver %s%s%s)\n", device.name.c_str(),
				    device.node.c_str(), device.driver.c_str(),
				    device.detail.empty() ? "" : ", ", device.detail.c_str());
			if (!device.m2mRole.empty())
				std::printf("    memory-to-memory %s%s\n", device.m2mRole.c_str(),
					    m2mFormats(device).c_str());
			for (const DeviceConstraints &queue : device.queues)
				std::printf("    %s\n%s", queue.role.c_str(),
					    constraintsText(queue, "      ").c_str());
			for (const DrmPlane &plane : device.planes)
				std::printf("    %s\n", planeText(plane).c_str());
			for (const std::string &note : device.notes)
				std::printf("    note: %s\n", note.c_str());
		}
		if (!any)
			std::printf("  none\n");
		std::printf("\n");
	}
	std::printf("dma-buf heaps\n");
	for (const HeapInfo &heap : inventory.heaps)
		std::printf("  %s\n", heapText(heap).c_str());
	if (inventory.heaps.empty())
		std::printf("  none\n");
	std::printf("\nudmabuf\n  %s\n", inventory.udmabufNote.c_str());
	if (!inventory.unopened.empty()) {
		std::printf("\nnot opened or not probed\n");
		for (const UnopenedNode &node : inventory.unopened)
			std::printf("  %s: %s\n", node.node.c_str(), node.reason.c_str());
	}
}

void printJson(const Inventory &inventory)
{
	JsonWriter json;
	json.beginObject().key("stack").beginArray();
	for (const StackPart &part : softwareStack(inventory))
		json.beginObject()
			.field("name", part.name)
			.field("version", part.version)
			.endObject();
	json.endArray().key("devices").beginArray();
	for (const InventoryDevice &device : inventory.devices) {
		json.beginObject()
			.field("kind", device.kind)
			.field("node", device.node)
			.field("name", device.name)
			.field("driver", device.driver)
			.field("detail", device.detail);
		json.key("queues").beginArray();
		for (const DeviceConstraints &queue : device.queues)
			writeConstraints(json, queue);
		json.endArray().key("planes").beginArray();
		for (const DrmPlane &plane : device.planes) {
			json.beginObject().field("id", plane.id).field("type", plane.type);
			json.field("formats", formatNames(plane.formats)).endObject();
		}
		json.endArray().field("notes", device.notes);
		json.key("m2m");
		if (device.m2mRole.empty())
			json.null();
		else
			json.beginObject()
				.field("role", device.m2mRole)
				.field("coded-formats", device.codedFormats)
				.endObject();
		json.endObject();
	}
	json.endArray().key("heaps").beginArray();
	for (const HeapInfo &heap : inventory.heaps)
		writeHeap(json, heap);
	json.endArray();
	json.key("udmabuf")
		.beginObject()
		.field("available", inventory.udmabuf)
		.field("note", inventory.udmabufNote)
		.endObject();
	json.key("unopened").beginArray();
	for (const UnopenedNode &node : inventory.unopened)
		json.beginObject()
			.field("node", node.node)
			.field("reason", node.reason)
			.endObject();
	json.endArray().endObject();
	std::fputs(json.str().c_str(), stdout);
}

/*
 * The inventory, with what drivers printed meanwhile kept off the output: a note on each
 * EGL device that renders in software says in our words that its GPU driver is missing.
 */
Inventory quietInventory(bool debug)
{
	CapturedStderr captured;
	Inventory inventory = takeInventory();
	std::string printed = captured.finish();
	if (debug)
		printDebug(printed);
	for (InventoryDevice &egl : inventory.devices) {
		if (egl.kind != "EGL" || !rendersInSoftware(egl.driver))
			continue;
		for (const InventoryDevice &drm : inventory.devices)
			if (drm.kind == "DRM" && drm.node == egl.node)
				egl.notes.push_back(softwareNote(drm.driver, drm.node, egl.driver));
	}
	return inventory;
}

/* The profile of this machine as probed, titled with its kernel and architecture. */
bool printProfile(const Inventory &inventory, const std::string &id)
{
	struct utsname name = {};
	::uname(&name);
	std::string title = std::string("captured with dmabridge-info --profile on Linux ") +
			    name.release + " " + name.machine;
	BoardProfile profile = boardProfileOf(inventory, id, title);
	if (profile.devices.empty()) {
		std::fprintf(stderr, "dmabridge-info: no device here takes a format: no profile "
				     "to write (dmabridge-info lists what there is)\n");
		return false;
	}
	std::fputs(boardProfileText(profile).c_str(), stdout);
	return true;
}

} /* namespace */

int main(int argc, char **argv)
{
	bool json = false, debug = false;
	const char *profile = nullptr;
	for (int i = 1; i < argc; i++) {
		if (!std::strcmp(argv[i], "--json")) {
			json = true;
		} else if (!std::strcmp(argv[i], "--profile") && i + 1 < argc) {
			profile = argv[++i];
		} else if (!std::strcmp(argv[i], "--debug")) {
			debug = true;
		} else if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
			std::printf(
				"usage: %s [--json | --profile ID] [--debug]\n\nLists V4L2 devices "
				"and their "
				"queues, DRM devices and planes, dma-buf heaps, udmabuf and EGL, "
				"with the constraints dmabridge derived and where each came "
				"from.\n  --debug  also print what drivers printed while probed "
				"(Mesa's loader), on stderr\n  --profile ID  print the devices as "
				"a "
				"board profile named ID, for dmabridge-plan --board\n",
				argv[0]);
			return 0;
		} else {
			std::fprintf(stderr, "%s: unknown argument '%s' (try --help)\n", argv[0],
				     argv[i]);
			return 2;
		}
	}
	Inventory inventory = quietInventory(debug);
	if (profile)
		return printProfile(inventory, profile) ? 0 : 1;
	if (json)
		printJson(inventory);
	else
		printText(inventory);
	return 0;
}
