// LabConverge: one convergence pass for a lab that should be up, over its provider's LabPass —
// the provider converges the engine (removals, creations, restarts), then nodes come up in
// waves (independent nodes in parallel; a node waits until everything in its dependsOn is
// Ready), with status written after every wave so watchers see "nodes ready n/m" progress. A
// warm lab handed to another Session is reset first (Ready=False reason Resetting, see
// lab_handover.h). Returns requeue-after while a node is not Ready yet, an error (back-off) when
// the provider failed or the reset failed (Ready reason ResetFailed). Provider-independent.
#pragma once

#include <chrono>
#include <cstdint>

#include "api/clock.h"
#include "controller/runtime/reconciler.h"
#include "reconcilers/lab/lab_provider.h"
#include "store/store.h"

namespace labctl::reconcilers {

struct ConvergeContext {
  store::Store& store;
  const api::Clock& clock;
  int workers;                         // nodes brought up at once
  std::chrono::milliseconds max_poll;  // requeue cap while a node is not Ready
  LabEventSink event;
  // The generation whose live state this labd process last applied to the lab's running
  // nodes (0: none since labd started). In memory on purpose: after a restart everything is
  // re-applied once (the NFQUEUE workers of impaired links live in labd).
  int64_t* live_applied = nullptr;
};

runtime::ReconcileResult ConvergeLab(ConvergeContext& ctx, const api::json& lab, LabPass& pass);

}  // namespace labctl::reconcilers
