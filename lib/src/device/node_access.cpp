/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "node_access.h"

#include <grp.h>
#include <sys/stat.h>

namespace dmabridge::internal {

std::string permissionHint(const std::string &path, bool write)
{
	std::string needs = write ? " (needs read-write access" : " (needs read access";
	struct stat st;
	if (::stat(path.c_str(), &st) < 0)
		return needs + ")";
	if (st.st_gid == 0)
		return needs + "; only root may open the node: a udev rule must give it a group)";
	struct group *group = ::getgrgid(st.st_gid);
	std::string name = group ? group->gr_name : std::to_string(st.st_gid);
	return needs + "; the node belongs to group '" + name + "': add the user to it)";
}

} /* namespace dmabridge::internal */
