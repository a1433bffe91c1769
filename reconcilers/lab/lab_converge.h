// LabConverge: one convergence pass for a lab that should be up — list what Docker holds,
// apply the plan's removals/creations/restarts, then bring nodes up in waves (independent nodes
// in parallel; a node waits until everything in its dependsOn is Ready), writing status after
// every wave so watchers see "nodes ready n/m" progress. A warm lab handed to another Session is
// reset first (options.reset_lab; Ready=False reason Resetting, see lab_handover.h). Returns
// requeue-after while a node is not Ready yet, an error (back-off) when Docker refused something
// or the reset failed (Ready reason ResetFailed).
#pragma once

#include <functional>

#include "api/clock.h"
#include "controller/runtime/reconciler.h"
#include "drivers/docker/engine.h"
#include "reconcilers/lab/lab_reconciler.h"
#include "store/store.h"

namespace labctl::reconcilers {

struct ConvergeContext {
  store::Store& store;
  docker::DockerEngine& engine;
  const api::Clock& clock;
  const LabReconcilerOptions& options;
  // Records an Event on the lab (reason, message, warning?).
  std::function<void(const std::string&, const std::string&, bool)> event;
  // The generation whose network state this labd process last applied to the lab's running
  // nodes (0: none since labd started). In memory on purpose: after a restart everything is
  // re-applied once (the NFQUEUE workers of impaired links live in labd).
  int64_t* network_applied = nullptr;
};

runtime::ReconcileResult ConvergeLab(ConvergeContext& ctx, const api::json& lab);

}  // namespace labctl::reconcilers
