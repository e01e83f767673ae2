/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <string>

#include <gst/gst.h>

namespace dmabridge::gst {

/*
 * What gst-inspect shows of an element of the plugin, from the tables of element_docs.cpp:
 * the contact as its author, the project's address as its documentation, the message
 * "dmabridge-stats" and its fields in its description, and in which states each of its
 * own properties may change (GST_PARAM_MUTABLE_*). Call it before gst_element_register(),
 * which copies the class's metadata into the factory. Fails naming a property the table
 * doesn't know: a new property needs a conscious answer.
 */
bool documentElement(const char *factoryName, GType type, std::string &error);

} /* namespace dmabridge::gst */
