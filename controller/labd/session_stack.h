// SessionStack: everything labd runs for Sessions, built in one place for labd main and for the
// tests that need the same wiring in-process:
//   - the SessionReconciler and its Controller (every Session change, Lab change and resync maps
//     to the one queue key, so a burst of changes collapses into one planning run);
//   - reconcilers::SessionActions (heartbeat/release with inline promotion), registered as the
//     ApiServer's SessionActions;
//   - the Neops facade on the same HTTP server (optional), authenticated like every other route
//     when tokens are on (neops_facade.h).
// Build with Attach() before ApiServer::Start(), Start() the controller once the server serves,
// Stop() after the server stopped. Not copyable; the EventRecorder is the caller's (labd shares
// it with the Lab reconciler).
#pragma once

#include <memory>
#include <string>

#include "api/clock.h"
#include "controller/runtime/controller.h"
#include "controller/runtime/event_recorder.h"
#include "controller/server/api_server.h"
#include "controller/server/neops/neops_facade.h"
#include "controller/server/session_actions_impl.h"
#include "reconcilers/session/session_actions.h"
#include "reconcilers/session/session_reconciler.h"
#include "store/store.h"

namespace labctl::server {

struct SessionStackOptions {
  int slots = 1;                // labd --slots
  api::TimePoint labd_start{};  // restart grace; default: now (clock.Now() at Attach)
  bool neops_facade = true;     // labd --neops-facade
  NeopsFacadeOptions neops;     // clock defaults to the stack's clock
  // SessionReconcilerOptions::lab_wait (why no Host has room for the lab); unset: always room.
  reconcilers::LabWait lab_wait;
};

class SessionStack {
 public:
  static std::unique_ptr<SessionStack> Attach(ApiServer& server, store::Store& store,
                                              const api::Clock& clock,
                                              runtime::EventRecorder* events,
                                              SessionStackOptions options);
  ~SessionStack();
  SessionStack(const SessionStack&) = delete;
  SessionStack& operator=(const SessionStack&) = delete;

  void Start();  // the session controller
  void Stop();   // idempotent

  reconcilers::SessionReconciler& reconciler() { return *reconciler_; }
  reconcilers::SessionActions& actions() { return *actions_; }
  NeopsFacade* neops() { return neops_.get(); }  // null when not mounted

 private:
  SessionStack() = default;

  std::unique_ptr<reconcilers::SessionReconciler> reconciler_;
  std::unique_ptr<runtime::Controller> controller_;
  std::unique_ptr<reconcilers::SessionActions> actions_;
  std::unique_ptr<SessionActionsImpl> server_actions_;
  std::unique_ptr<NeopsFacade> neops_;
};

}  // namespace labctl::server
