// Lab lifecycle metrics, by provider: how long a Lab took to come up (from the moment it was
// created or started going up to Ready) and to be torn down (from the delete request to its
// finalizer's removal). Both are measured from the times in the Lab's own status and metadata,
// so a restart of labd in between does not lose or distort them.
#pragma once

#include "api/clock.h"
#include "api/object.h"

namespace labctl::reconcilers {

// Registers the families, so a scrape lists them before the first Lab came up.
void RegisterLabMetrics();
// Call after writing `after` over `before` (the Lab's status before and after a status write):
// observes a bring-up when Ready became True, unless the Lab was only Degraded (a repair).
void RecordLabStatusChange(const api::json& lab, const api::json& before, const api::json& after,
                           api::TimePoint now);
// Call once the teardown of `lab` (being deleted) finished.
void RecordLabTeardown(const api::json& lab, api::TimePoint now);

}  // namespace labctl::reconcilers
