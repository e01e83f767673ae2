/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GstCaps owned for the length of a test, from text or taken from a call. */
#pragma once

#include <string>

#include <gst/gst.h>

namespace dmabridge::test {

struct Caps
{
	explicit Caps(GstCaps *taken) : caps(taken) {}
	explicit Caps(const std::string &text) : caps(gst_caps_from_string(text.c_str())) {}
	Caps(const Caps &) = delete;
	~Caps() { gst_caps_unref(caps); }
	std::string text() const
	{
		gchar *s = gst_caps_to_string(caps);
		std::string out = s;
		g_free(s);
		return out;
	}
	GstCaps *caps;
};

} /* namespace dmabridge::test */
