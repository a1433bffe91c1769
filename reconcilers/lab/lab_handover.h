// LabHandOver: the record that makes a warm lab safe to hand from one Session to the next.
//
// Lab status.preparedFor names the Session the lab's current containers were last made ready
// for: set when a pass creates every container of the lab (fresh, nothing to reset: the holder
// at that moment, "" when none), and after a reset (lab_reset.h) done for a new holder. When
// status.heldBy names a Session other than preparedFor and the lab's containers are kept, the
// LabReconciler reports Ready=False (reason Resetting), resets every running node and only then
// writes preparedFor — so a labd killed mid-reset resets again after restart. The session queue
// mirrors a Lab's Ready into a Session's LabReady only once preparedFor names that Session.
//
// A spare of a warm pool (api/warm_pool.h) brought up for nobody ("") is handed to its first
// Session without a reset: exec, capture and reset are refused on a spare nobody holds, so it is
// as it was brought up.
//
// A Lab whose status has no preparedFor at all (written before this record existed) is adopted
// as prepared for its current holder.
#pragma once

#include <optional>
#include <string>

#include "api/object.h"

namespace labctl::reconcilers {

inline constexpr char kPreparedForField[] = "preparedFor";

struct HandOverPlan {
  // Value for status.preparedFor once this pass is through (nullopt: leave it as it is).
  std::optional<std::string> record;
  // Non-empty: reset every running node for this holder before the lab is reported Ready, and
  // write `record` only after the reset succeeded.
  std::string reset_for;
};

// `fresh`: this pass keeps none of the lab's containers (all are being created).
HandOverPlan PlanHandOver(const api::json& lab, bool fresh);

// Whether the Lab's Ready condition speaks for `session`: its containers were prepared for it
// (or the Lab predates the record).
bool LabPreparedFor(const api::json& lab, const std::string& session);

}  // namespace labctl::reconcilers
