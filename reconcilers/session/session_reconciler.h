// SessionReconciler: keeps the global session queue converged (docs/sessions.md).
//
// The queue is global, so every Reconcile call, whatever key it got, plans the whole queue with
// PlanQueue (session_queue.h) and applies the plan: status writes (promotions first), the
// labctl.dev/session finalizer, Lab holds (session_lab_hold.h), garbage collection of finished
// Sessions and Events. It is idempotent and keeps no state a restart would lose (only a
// revision memo that lets it skip runs when nothing changed). Calls are serialised by a mutex, so
// the controller's workers and SessionActions (which reconciles inline for immediate promotion)
// never plan concurrently; writes race only with heartbeats, and a Conflict re-plans.
//
// Wiring (server::SessionStack): Controller(store, Kind::kSession, reconciler, ...) with
// MapPrimary(QueueMapper()) — every Session change is the one queue key, so bursts collapse into
// one run — and WatchAlso(Kind::kLab, QueueMapper()) so Lab Ready changes reach LabReady.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "api/clock.h"
#include "controller/runtime/controller.h"
#include "controller/runtime/event_recorder.h"
#include "controller/runtime/reconciler.h"
#include "reconcilers/session/session_creation_order.h"
#include "reconcilers/session/session_queue.h"
#include "store/store.h"

namespace labctl::reconcilers {

struct SessionReconcilerOptions {
  int slots = 1;                // labd --slots
  api::TimePoint labd_start{};  // restart grace: no timeout fires before start + timeout
};

class SessionReconciler : public runtime::Reconciler {
 public:
  // The key every change is mapped to; any key reconciles the whole queue.
  static constexpr char kQueueKey[] = "_queue";

  SessionReconciler(store::Store& store, const api::Clock& clock, runtime::EventRecorder* events,
                    SessionReconcilerOptions options);
  SessionReconciler(const SessionReconciler&) = delete;
  SessionReconciler& operator=(const SessionReconciler&) = delete;

  runtime::ReconcileResult Reconcile(const std::string& name) override;

  // Maps any object to kQueueKey.
  static runtime::Controller::Mapper QueueMapper();

 private:
  enum class Outcome { kDone, kConflict };
  Outcome ApplyOnce(std::optional<api::TimePoint>* next_deadline, bool* wrote, api::Status* err);
  Outcome WriteStatuses(const QueuePlan& plan, api::Status* err);
  api::Status EditFinalizer(const std::string& name, bool add);
  void RecordEvents(const QueuePlan& plan);

  store::Store& store_;
  const api::Clock& clock_;
  runtime::EventRecorder* events_;
  SessionReconcilerOptions options_;

  std::mutex mu_;
  SessionCreationOrder creation_order_;
  // Memo: the store revision of the last run that found nothing to write, and its next timer.
  uint64_t quiet_revision_ = 0;
  std::optional<api::TimePoint> quiet_deadline_;
  // Finished Sessions that need nothing before their garbage collection (IdleUntil), by object
  // identity — ListShared hands out the same object while it is unchanged — and left out of
  // planning: on a busy host they are most Sessions, and looking into each on every run cost
  // ~4 ms per run at 1,000.
  struct Idle {
    std::shared_ptr<const json> object;  // keeps the key's address from being reused
    api::TimePoint until;
  };
  std::unordered_map<const json*, Idle> idle_;
  std::vector<std::shared_ptr<const json>> PlannedSessions(
      const std::vector<std::shared_ptr<const json>>& all, api::TimePoint now,
      std::optional<api::TimePoint>* idle_deadline);
};

}  // namespace labctl::reconcilers
