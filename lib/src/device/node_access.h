/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

namespace dmabridge::internal {

/*
 * Why a device node could not be opened (EACCES), and the fix: " (needs read-write
 * access; the node belongs to group 'video': add the user to it)".
 */
std::string permissionHint(const std::string &path, bool write);

} /* namespace dmabridge::internal */
