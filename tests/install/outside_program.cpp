/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * An application outside the tree, built against the installed library with nothing but
 * what pkg-config says: this machine's devices, the board profiles the library finds,
 * and a plan for a camera into a display of one of them.
 */
#include <cstdio>
#include <string>

#include <drm_fourcc.h>

#include <dmabridge/board_profile.h>
#include <dmabridge/inventory.h>
#include <dmabridge/plan.h>

int main()
{
	dmabridge::Inventory inventory = dmabridge::takeInventory();
	for (const dmabridge::InventoryDevice &device : inventory.devices)
		std::printf("device %s %s %s\n", device.kind.c_str(), device.node.c_str(),
			    device.name.c_str());
	for (const std::string &id : dmabridge::boardProfileIds())
		std::printf("board %s\n", id.c_str());

	dmabridge::Result<dmabridge::BoardProfile> board = dmabridge::findBoardProfile("rpi4");
	if (!board) {
		std::fprintf(stderr, "%s\n", board.error().describe().c_str());
		return 1;
	}
	auto camera = board->device("unicam");
	auto display = board->device("vc4");
	if (!camera || !display)
		return 1;
	dmabridge::Result<dmabridge::Plan> plan = dmabridge::Planner().plan(
		{ *camera, { *display }, DRM_FORMAT_YUYV, 1920, 1080, 4, board->heaps });
	if (!plan) {
		std::fprintf(stderr, "%s\n", plan.error().describe().c_str());
		return 1;
	}
	std::printf("plan %s\n", plan->explain().c_str());
	return 0;
}
