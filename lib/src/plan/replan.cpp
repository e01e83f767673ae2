/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Plan, carry out, and when the kernel refuses the buffers, learn and plan once more. The
 * probes can't see everything (a queue's contiguity is inferred from REQBUFS), so the
 * kernel's refusal is the last word: an EFAULT at QBUF of a scattered buffer means the
 * device needs contiguous memory, whatever the probe said.
 */
#include <dmabridge/plan.h>

#include "../internal/log.h"

namespace dmabridge {

Result<CarriedOutPlan> Planner::planAndCarryOut(const PlanRequest &request,
						const CarryOut &carryOut)
{
	std::string learned;
	for (int attempt = 0; attempt < 2; attempt++) {
		Result<Plan> plan = this->plan(request);
		if (!plan)
			return plan.error();
		bool contiguous = plan->buffersContiguous;
		Status done = carryOut(*plan, contiguous);
		if (done)
			return CarriedOutPlan{ std::move(*plan), learned };
		if (attempt == 1)
			return Error(done.error().code(),
				     learned + "; then, re-planned: " + done.error().message());
		/* A lesson, or a refusal that taught nothing (transient): re-planned as it was. */
		std::string lesson = learnFromImportFailure(request.producer.name, true, contiguous,
							    done.error().code());
		learned = (lesson.empty() ? "the kernel refused the planned buffers" : lesson) +
			  " (" + done.error().describe() + ")";
		internal::log(LogCategory::Plan, LogLevel::Warning, [&] {
			return "re-planning for " + request.producer.name + ": " + learned;
		});
	}
	return Error(EINVAL, "unreachable: two attempts made");
}

} /* namespace dmabridge */
