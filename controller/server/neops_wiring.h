// SessionServices: the request-side session machinery labd mounts on its ApiServer, in one place:
// reconcilers::SessionActions (heartbeat/release with inline promotion) registered as the
// server's SessionActions, and the Neops facade mounted on the same HTTP server (its paths made
// public when tokens are enabled, since Neops clients send none). Call before ApiServer::Start();
// keep the returned object alive until the server stopped.
#pragma once

#include <memory>

#include "controller/runtime/event_recorder.h"
#include "controller/server/api_server.h"
#include "controller/server/neops_facade.h"
#include "controller/server/session_actions_impl.h"
#include "reconcilers/session_actions.h"
#include "reconcilers/session_reconciler.h"

namespace labctl::server {

struct SessionServices {
  SessionServices(store::Store& store, const api::Clock& clock,
                  reconcilers::SessionReconciler* reconciler, runtime::EventRecorder* events)
      : actions(store, clock, reconciler, events), server_actions(actions) {}
  reconcilers::SessionActions actions;
  SessionActionsImpl server_actions;
  std::unique_ptr<NeopsFacade> neops;
};

std::unique_ptr<SessionServices> AttachSessionServices(ApiServer& server, store::Store& store,
                                                       const api::Clock& clock,
                                                       reconcilers::SessionReconciler* reconciler,
                                                       runtime::EventRecorder* events,
                                                       NeopsFacadeOptions neops_options = {});

}  // namespace labctl::server
