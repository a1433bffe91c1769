// SessionLabHold: writes which Session holds a Lab (Lab status.heldBy), the hand-shake between
// the SessionReconciler and the LabReconciler.
//
// Holding sets status.heldBy = session name (an OnDemand Lab is brought up while held). Releasing
// removes heldBy and sets status.releasedAt = now, from which the LabReconciler counts the Lab's
// idleTimeoutSeconds keep-warm window. Every other status field is preserved; a Conflict with a
// concurrent writer (the LabReconciler) is retried on a fresh read.
#pragma once

#include <functional>
#include <string>

#include "api/clock.h"
#include "api/status.h"
#include "store/store.h"

namespace labctl::reconcilers {

// Applies `edit` to the Lab's status (an object) as freshly read and writes it when `edit`
// returns true (false: nothing to change), retrying on a Conflict. NotFound if the Lab is gone.
api::Status EditLabStatus(store::Store& store, const std::string& lab,
                          const std::function<bool(api::json& status)>& edit);

// holder empty = release. NotFound if the Lab is gone (callers ignore it).
api::Status SetLabHolder(store::Store& store, const std::string& lab, const std::string& holder,
                         api::TimePoint now);

// Ends a released Lab's keep-warm window now (releasedAt moved back to the epoch), so the
// LabReconciler tears it down to free its slot. No-op if the Lab is held again.
api::Status EvictWarmLab(store::Store& store, const std::string& lab);

}  // namespace labctl::reconcilers
