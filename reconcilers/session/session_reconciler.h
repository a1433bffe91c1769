// SessionReconciler: keeps the global session queue converged (docs/sessions.md).
//
// The queue is global, so every Reconcile call, whatever key it got, plans the queue with
// PlanQueue (session_queue.h) over what session_index.h reads — the live Sessions, the clean-up
// work and collections due, the held and warm Labs, never the finished history — and applies
// the plan: status writes (promotions first), the labctl.dev/session finalizer, Lab holds
// (session_lab_hold.h), garbage collection of finished Sessions and Events. Waiters' positions
// are not written (session_index.h fills them in on reads), so a promotion writes the promoted
// Session only. It is idempotent and keeps no state a restart would lose (only memos that let it
// skip work when nothing changed, and each waiter's queue clock, which restarts with labd).
// Calls are serialised by a mutex, so
// the controller's workers and SessionActions (which reconciles inline for immediate promotion)
// never plan concurrently; writes race only with heartbeats, and a Conflict re-plans.
//
// Wiring (server::SessionStack): Controller(store, Kind::kSession, reconciler, ...) with
// MapPrimary(QueueMapper()) — every Session change is the one queue key, so bursts collapse into
// one run — and WatchAlso(Kind::kLab, QueueMapper()) so Lab Ready changes reach LabReady.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
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
  // QueueConfig::lab_wait (labd: HostPlacer::WaitReason); unset: every Lab can come up.
  LabWait lab_wait;
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
  // The run a release or delete does before it is answered: it writes the hand-over (promotion,
  // finishes, Lab holds).
  runtime::ReconcileResult PromoteNow();
  // Runs `release` (a write that finishes a Session; it sets *wrote when it wrote) and then the
  // hand-over, under the queue's lock so that no other run plans in between. When the queue was
  // settled just before and the released Session was Active without a Lab, the hand-over plans
  // only the Active Sessions and the waiters that may take the freed slot (HandOver), not the
  // whole queue; otherwise it is PromoteNow's run. Returns what `release` returned.
  // `name` is the Session `release` writes.
  api::Result<json> ReleaseAndHandOver(
      const std::string& name, const std::function<api::Result<json>(bool* wrote)>& release);
  // Creates a Session already placed in the queue: its status (Active with the finalizer, or
  // Waiting at its position) is planned with it and written with it, one write instead of a
  // create and a status write. `session` is a validated Session (name or generateName).
  // The queue order is that of a Session created at this call. The answer shows its position.
  api::Result<json> Admit(json session);

  // Runs `f` with the queue's lock held: no planning run or admission is under way meanwhile
  // (the warm pool retires spares under it, so none is handed to a Session as it goes).
  void RunExclusive(const std::function<void()>& f);

  // Maps any object to kQueueKey.
  static runtime::Controller::Mapper QueueMapper();
  // The controller's filter of Session changes (Controller::MapPrimary): false for the one change
  // an inline run claimed — Admit's create, a release's write — which that run plans itself under
  // the queue's lock, so such a write wakes neither the informer nor a worker only to find the
  // queue settled. Thread-safe; called by the store's writer.
  bool NeedsRun(const store::WatchEvent& event) const;
  // How an inline run whose change the controller skipped asks it for a later run (labd:
  // Controller::EnqueueAfter of kQueueKey): at once if it left the queue unsettled, else at the
  // queue's next deadline (heartbeat and queue timeouts, collections), as the controller's own
  // run would have scheduled. Set before serving.
  void SetFollowUp(std::function<void(std::chrono::milliseconds delay)> enqueue_after);

 private:
  enum class Outcome { kDone, kConflict };
  runtime::ReconcileResult ReconcileLocked();
  // What a planning run gives PlanQueue: slots, start time, creation order, what the last runs
  // left settled and each waiter's clock, the host check.
  QueueConfig PlanningConfig();
  // Plans the queue as the store has it now, with `joining` (a Session not yet created) in it.
  QueuePlan Plan(api::TimePoint now, std::shared_ptr<const json> joining, uint64_t* revision);
  static bool HasWork(const QueuePlan& plan);
  api::Result<json> AdmitLocked(json session);
  // Marks the coming change of Session `name` at `revision` as planned inline (NeedsRun).
  void Claim(const std::string& name, uint64_t revision);
  // Ends an inline run (under mu_): drops the claim and, if the controller skipped the claimed
  // change, asks for the run it would have scheduled.
  void EndInlineRun();
  Outcome ApplyOnce(std::optional<api::TimePoint>* next_deadline, api::Status* err);
  // Writes `plan`, made from the store at `revision`; `whole`: it planned every live Session
  // (else only those HandOver read, and what it remembers of the others is kept).
  Outcome ApplyPlan(const QueuePlan& plan, uint64_t revision, bool whole, api::Status* err);
  // PromoteAfterRelease's partial run; false if it does not apply (nothing was written).
  bool HandOver(const json& released, api::Status* err);
  // After a partial run promoted `promoted` waiters: every other waiter moved up that many
  // places, now.
  void MoveWaitersUp(const QueuePlan& plan, api::TimePoint now);
  // Admit's fast path: the queue is settled with a blocked waiter, so `joining` only waits.
  std::optional<QueuePlan> PlanBehindBlockedQueue(const json& joining, api::TimePoint now);
  bool QueueSettled(api::TimePoint now) const;
  // `versions`: name -> resourceVersion of each status written; `finalized`: the sessions whose
  // finalizer edit went with their status write.
  Outcome WriteStatuses(const QueuePlan& plan, std::map<std::string, std::string>* versions,
                        std::set<std::string>* finalized, api::Status* err);
  // The Sessions the last Plan read (for promotion latency: the latest finish among them).
  std::vector<std::shared_ptr<const json>> planned_sessions_;
  api::Status EditFinalizer(const std::string& name, bool add);
  void RecordEvents(const QueuePlan& plan);

  store::Store& store_;
  const api::Clock& clock_;
  std::function<void(std::chrono::milliseconds)> follow_up_;
  mutable std::mutex claim_mu_;  // the claim; never held while calling the store
  std::string claimed_name_;
  uint64_t claimed_revision_ = 0;  // 0: nothing claimed
  mutable bool claim_skipped_ = false;
  runtime::EventRecorder* events_;
  SessionReconcilerOptions options_;

  std::mutex mu_;
  SessionCreationOrder creation_order_;
  // Memo: the store revision of the last run that found nothing to write, and its next timer.
  uint64_t quiet_revision_ = 0;
  std::optional<api::TimePoint> quiet_deadline_;
  // The last run's waiters (QueueConfig::settled): a run re-plans only the waiters that changed.
  // Cleared when a run's writes did not all land.
  SettledWaiters settled_;
  // `whole`: the plan covered every waiter (the others are forgotten), else it adds to them.
  void RememberWaiters(const QueuePlan& plan, const std::map<std::string, std::string>& written,
                       bool whole = true);
  // Each waiter's position and since when (QueueConfig::clocks), from the last plan.
  QueueClocks clocks_;
};

}  // namespace labctl::reconcilers
