/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What dmabridge's GObject types (its elements and buffer pools) do alike. GObject makes
 * an instance as zeroed C memory and runs no C++ constructor, so each type keeps its state
 * in a C++ object that its instance struct points to, impl_: made with new in the type's
 * instance init, and deleted by finalizeImpl, the finalize each type installs.
 */
#pragma once

#include <glib-object.h>
#include <string>

namespace dmabridge::gst {

/*
 * A finalize that deletes the instance's impl_ (an Impl), then chains up to the parent
 * class's: parentClass is the type's <type>_parent_class, as G_DEFINE_TYPE names it.
 */
template<typename Instance, typename Impl, gpointer *parentClass>
void finalizeImpl(GObject *object)
{
	delete static_cast<Impl *>(reinterpret_cast<Instance *>(object)->impl_);
	G_OBJECT_CLASS(*parentClass)->finalize(object);
}

/* The value a string property is set to; empty for NULL. */
inline std::string stringOf(const GValue *value)
{
	const gchar *text = g_value_get_string(value);
	return text ? text : "";
}

} /* namespace dmabridge::gst */
