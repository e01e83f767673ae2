/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pipeline_run.h"

#include <future>
#include <memory>
#include <thread>

namespace dmabridge::tools {

namespace {

Stats readStats(const GstStructure *s)
{
	Stats stats;
	stats.present = true;
	for (gint i = 0; i < gst_structure_n_fields(s); i++) {
		const char *name = gst_structure_nth_field_name(s, i);
		guint64 number = 0;
		if (gst_structure_get_uint64(s, name, &number))
			stats.numbers[name] = number;
		else if (const char *text = gst_structure_get_string(s, name))
			stats.texts[name] = text;
	}
	if (const char *text = gst_structure_get_string(s, "explanation"))
		stats.explanation = text;
	return stats;
}

} /* namespace */

namespace {

/* Takes one bus message into run; stats keep the first each element posted. */
void take(PipelineRun &run, GstMessage *message)
{
	switch (GST_MESSAGE_TYPE(message)) {
	case GST_MESSAGE_EOS:
		run.finished = true;
		break;
	case GST_MESSAGE_ERROR: {
		GError *err = nullptr;
		gchar *debug = nullptr;
		gst_message_parse_error(message, &err, &debug);
		run.errors.push_back(std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(message))) + ": " +
				     err->message + " (" + (debug ? debug : "") + ")");
		if (run.error.empty())
			run.error = run.errors.back();
		g_clear_error(&err);
		g_free(debug);
		break;
	}
	case GST_MESSAGE_ELEMENT: {
		const GstStructure *s = gst_message_get_structure(message);
		std::string element = GST_OBJECT_NAME(GST_MESSAGE_SRC(message));
		if (s && gst_structure_has_name(s, "dmabridge-stats") &&
		    !run.stats[element].present)
			run.stats[element] = readStats(s);
		break;
	}
	default:
		break;
	}
}

GstElement *parse(const std::string &description, PipelineRun &run)
{
	GError *error = nullptr;
	GstElement *pipeline = gst_parse_launch(description.c_str(), &error);
	if (!pipeline || error) {
		run.error = error ? error->message : "could not parse";
		g_clear_error(&error);
		if (pipeline)
			gst_object_unref(pipeline);
		return nullptr;
	}
	return pipeline;
}

} /* namespace */

void probeSinkPad(GstElement *pipeline, const char *element, GstPadProbeType type, PadProbe probe)
{
	GstElement *sink = gst_bin_get_by_name(GST_BIN(pipeline), element);
	GstPad *pad = gst_element_get_static_pad(sink, "sink");
	gst_pad_add_probe(
		pad, type,
		[](GstPad *p, GstPadProbeInfo *info, gpointer data) {
			(*static_cast<PadProbe *>(data))(p, info);
			return GST_PAD_PROBE_OK;
		},
		new PadProbe(std::move(probe)),
		[](gpointer data) { delete static_cast<PadProbe *>(data); });
	gst_object_unref(pad);
	gst_object_unref(sink);
}

const std::atomic<uint64_t> &countBuffers(GstElement *pipeline, const char *element)
{
	/* Owned by the probe, which goes with the pad. */
	auto count = std::make_shared<std::atomic<uint64_t>>(0);
	probeSinkPad(pipeline, element, GST_PAD_PROBE_TYPE_BUFFER,
		     [count](GstPad *, GstPadProbeInfo *) { ++*count; });
	return *count;
}

/* Stamps buffer as frame index of 30 a second and pushes it into the appsrc in. */
static void pushStamped(GstElement *in, unsigned index, GstBuffer *buffer)
{
	GST_BUFFER_PTS(buffer) = index * GST_SECOND / 30;
	GstFlowReturn ret;
	g_signal_emit_by_name(in, "push-buffer", buffer, &ret);
	gst_buffer_unref(buffer);
}

void pushToAppsrc(GstElement *pipeline, const char *element, unsigned index, GstBuffer *buffer)
{
	GstElement *in = gst_bin_get_by_name(GST_BIN(pipeline), element);
	pushStamped(in, index, buffer);
	gst_object_unref(in);
}

void feedAppsrc(GstElement *pipeline, const char *element, unsigned count,
		const std::function<GstBuffer *(unsigned)> &frame)
{
	GstElement *in = gst_bin_get_by_name(GST_BIN(pipeline), element);
	for (unsigned i = 0; i < count; i++) {
		GstBuffer *buffer = frame(i);
		if (!buffer)
			break;
		pushStamped(in, i, buffer);
	}
	GstFlowReturn ended;
	g_signal_emit_by_name(in, "end-of-stream", &ended);
	gst_object_unref(in);
}

bool setStateWithin(GstElement *pipeline, GstState state, int seconds)
{
	auto done = std::make_shared<std::promise<void>>();
	std::future<void> changed = done->get_future();
	std::thread([held = GST_ELEMENT(gst_object_ref(pipeline)), state, done] {
		gst_element_set_state(held, state);
		gst_object_unref(held);
		done->set_value();
	}).detach();
	return changed.wait_for(std::chrono::seconds(seconds)) == std::future_status::ready;
}

void takeWaiting(GstBus *bus, PipelineRun &run)
{
	while (GstMessage *message = gst_bus_pop(bus)) {
		take(run, message);
		gst_message_unref(message);
	}
}

PipelineRun runFor(const std::string &description, int seconds, uint64_t frames,
		   const char *counted)
{
	PipelineRun run;
	GstElement *pipeline = parse(description, run);
	if (!pipeline)
		return run;
	const std::atomic<uint64_t> *shown = frames ? &countBuffers(pipeline, counted) : nullptr;
	GstBus *bus = gst_element_get_bus(pipeline);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	gint64 deadline = g_get_monotonic_time() + gint64(seconds) * G_USEC_PER_SEC;
	while (run.error.empty() && g_get_monotonic_time() < deadline &&
	       !(shown && *shown >= frames)) {
		GstMessage *message = gst_bus_timed_pop(bus, 100 * GST_MSECOND);
		if (message) {
			take(run, message);
			gst_message_unref(message);
		}
	}
	/* Elements post on stop (to READY); the bus is flushed on the way to NULL. */
	gst_element_set_state(pipeline, GST_STATE_READY);
	gst_element_get_state(pipeline, nullptr, nullptr, 30 * GST_SECOND);
	takeWaiting(bus, run);
	gst_element_set_state(pipeline, GST_STATE_NULL);
	run.finished = run.error.empty();
	gst_object_unref(bus);
	gst_object_unref(pipeline);
	return run;
}

PipelineRun runPipeline(const std::string &description, int timeoutSeconds,
			const std::function<void(GstElement *)> &onPlaying,
			const std::function<void(GstElement *)> &beforePlaying,
			const std::function<void(GstElement *)> &onEos)
{
	PipelineRun run;
	GstElement *pipeline = parse(description, run);
	if (!pipeline)
		return run;
	if (beforePlaying)
		beforePlaying(pipeline);
	GstBus *bus = gst_element_get_bus(pipeline);
	gst_element_set_state(pipeline, GST_STATE_PLAYING);
	if (onPlaying)
		onPlaying(pipeline);
	gint64 deadline = g_get_monotonic_time() + gint64(timeoutSeconds) * G_USEC_PER_SEC;
	while (!run.finished && run.error.empty()) {
		gint64 left = deadline - g_get_monotonic_time();
		if (left <= 0) {
			run.error = "timed out after " + std::to_string(timeoutSeconds) + " s";
			break;
		}
		GstMessage *message = gst_bus_timed_pop(bus, GstClockTime(left) * 1000);
		if (!message)
			continue;
		take(run, message);
		gst_message_unref(message);
	}
	if (run.finished && onEos)
		onEos(pipeline);
	/* Errors posted together with the first (a failed state change) are counted too. */
	while (GstMessage *message = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR)) {
		take(run, message);
		gst_message_unref(message);
	}
	gst_element_set_state(pipeline, GST_STATE_NULL);
	gst_object_unref(bus);
	gst_object_unref(pipeline);
	return run;
}

} /* namespace dmabridge::tools */
