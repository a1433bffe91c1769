// WarmPoolPlan: what a Lab's warm pool needs now (docs/hosts.md, "Warm pools"). Pure: no I/O.
//
// Given the template Lab (absent when gone), its spares (Labs labelled labctl.dev/warm-pool=it)
// and the spares Sessions hold, it decides which spares to create and which to delete so that
// exactly spec.warmPool.size free spares of the current template spec exist:
//   - a spare in use (held, or named by an Active Session's status.lab) is never touched;
//   - a spare released after use is deleted (it is not clean; a fresh one replaces it);
//   - a free spare made from an older template spec, or beyond the size, is deleted (those not
//     Ready first, then the highest index), and so is every free spare once the template is
//     gone, being deleted or has size 0;
//   - missing spares are created at the smallest free indexes <template>-warm-<k>.
// Names are fixed per index, so a create repeated after a crash finds its object (no doubles).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/object.h"

namespace labctl::reconcilers {

struct WarmPoolState {
  int size = 0;    // wanted free spares
  int free = 0;    // free spares of the current spec that stay
  int ready = 0;   // of those, Ready
  int in_use = 0;  // handed to a Session
};

struct WarmPoolPlan {
  std::vector<api::json> create;  // new spare Labs
  std::vector<std::string> remove;
  WarmPoolState state;  // after the plan
};

// `taken`: every Lab name in the store that a new spare's name must avoid (the spares are in
// it already). `in_use`: spares an Active Session names.
WarmPoolPlan PlanWarmPool(const std::optional<api::json>& templ,
                          const std::vector<api::json>& spares, const std::set<std::string>& in_use,
                          const std::set<std::string>& taken);

// The template's status.warmPool for `state`.
api::json WarmPoolStatus(const WarmPoolState& state);

}  // namespace labctl::reconcilers
