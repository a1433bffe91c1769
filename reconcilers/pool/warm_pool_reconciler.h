// WarmPoolReconciler: keeps each Lab's warm pool (spec.warmPool.size spare Labs) full, current
// and cleaned up (warm_pool_plan.h decides; this applies it and reports status.warmPool on the
// template).
//
// Keyed by the template's name: KeyMapper maps a spare's changes to its template, every other
// Lab to itself. Spares are ordinary Labs (placed, brought up, torn down by the LabReconciler
// through their teardown finalizer), so deleting one leaks nothing. The session queue hands
// spares out; a spare is retired only while the queue's lock is held (Options::exclusive), so a
// spare is never handed to a Session and deleted at once. Stateless: a restart re-reads all.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/clock.h"
#include "controller/runtime/controller.h"
#include "controller/runtime/event_recorder.h"
#include "controller/runtime/reconciler.h"
#include "store/store.h"

namespace labctl::reconcilers {

struct WarmPoolReconcilerOptions {
  // Runs its argument with the session queue's lock held (SessionReconciler::RunExclusive);
  // unset: runs it directly (tests without a queue).
  std::function<void(const std::function<void()>&)> exclusive;
};

class WarmPoolReconciler : public runtime::Reconciler {
 public:
  WarmPoolReconciler(store::Store& store, runtime::EventRecorder* events,
                     WarmPoolReconcilerOptions options = {});

  runtime::ReconcileResult Reconcile(const std::string& templ) override;

  // A spare -> its template; any other Lab -> itself.
  static runtime::Controller::Mapper KeyMapper();

 private:
  api::Status WriteTemplateStatus(const std::string& templ, const api::json& pool);

  store::Store& store_;
  runtime::EventRecorder* events_;
  WarmPoolReconcilerOptions options_;
};

}  // namespace labctl::reconcilers
