// Session queue metrics: how long Sessions waited for their slot, how long a free slot waited
// for its next holder (promotion latency) and how many planning runs of which scope, in the
// process-wide registry. Times come from
// the Sessions' own status, so they hold across restarts of labd.
#pragma once

#include <memory>
#include <vector>

#include "api/clock.h"
#include "api/object.h"

namespace labctl::reconcilers {

// Registers the histograms, so a scrape lists them before the first promotion.
void RegisterSessionMetrics();
// Call once a promotion of `session` was written at `now`. `all` is every Session the
// promotion was planned over (for the time the slot became free: the latest finishedAt).
void RecordPromotion(const api::json& session,
                     const std::vector<std::shared_ptr<const api::json>>& all, api::TimePoint now);

// Counts a planning run of the queue: `whole` (every live Session) or a hand-over's (the Active
// Sessions and the waiters that may take the freed slot).
void RecordQueuePlan(bool whole);
// Planning runs so far of that scope (for tests).
uint64_t QueuePlans(bool whole);

}  // namespace labctl::reconcilers
