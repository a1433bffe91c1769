// SessionActions: the imperative session verbs behind POST .../sessions/{name}/heartbeat and
// .../release (and the Neops facade's contact and release).
//
// Each verb checks ownership (api/session_ownership.h: owner or group "admin", else Forbidden),
// writes the Session's status
// with a resourceVersion precondition (retrying Conflicts on a fresh read), and returns the
// Session as written. Release finishes the Session and drops its finalizer in one write, then
// reconciles the queue inline before it returns, so the next waiter is already Active (and its
// watchers notified) when the release request is answered.
// Thread-safe.
#pragma once

#include <string>

#include "api/clock.h"
#include "api/object.h"
#include "api/principal.h"
#include "api/status.h"
#include "controller/runtime/event_recorder.h"
#include "store/store.h"

namespace labctl::reconcilers {

class SessionReconciler;

class SessionActions {
 public:
  // reconciler may be null (then release only writes status; the controller promotes later).
  SessionActions(store::Store& store, const api::Clock& clock, SessionReconciler* reconciler,
                 runtime::EventRecorder* events);
  SessionActions(const SessionActions&) = delete;
  SessionActions& operator=(const SessionActions&) = delete;

  // Refreshes lastHeartbeatTime of a Waiting or Active Session (written only when the stored one
  // is HeartbeatWriteInterval old). Conflict (409) if it finished.
  api::Result<api::json> Heartbeat(const std::string& name, const api::Principal& who);
  // Ends the Session: Active -> Released, Waiting -> Cancelled; a finished one is returned as is.
  api::Result<api::json> Release(const std::string& name, const api::Principal& who);
  // Heartbeat with no ownership check, for callers that authenticated the session themselves
  // (the Neops facade, whose session id is the credential).
  api::Result<api::json> Touch(const std::string& name);
  // Creates a validated Session placed in the queue at once (SessionReconciler::Admit): its
  // answer already says Active or Waiting at position N, in one write.
  api::Result<api::json> Admit(api::json session);
  // Reconciles the queue now (after a create or delete that should take effect at once):
  // SessionReconciler::PromoteNow, the hand-over.
  void ReconcileNow();

 private:
  // Finishes the Session (Released, or Cancelled while waiting); `wrote` (may be null) is set
  // when it wrote, i.e. the Session was not finished already.
  api::Result<api::json> WriteRelease(const std::string& name, const api::Principal& who,
                                      bool* wrote);
  // who == nullptr: no ownership check (Touch).
  api::Result<api::json> WriteHeartbeat(const std::string& name, const api::Principal* who);

  store::Store& store_;
  const api::Clock& clock_;
  SessionReconciler* reconciler_;
  runtime::EventRecorder* events_;
};

}  // namespace labctl::reconcilers
