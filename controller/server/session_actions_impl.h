// SessionActionsImpl: the server's SessionActions (POST .../sessions/{name}/heartbeat|release)
// backed by reconcilers::SessionActions — ownership checks, status writes, and an inline queue
// reconcile on release so the next waiter is Active before the release request is answered.
// labd main: ApiServer::SetSessionActions(&impl). Thread-safe.
#pragma once

#include "controller/server/actions.h"
#include "reconcilers/session/session_actions.h"

namespace labctl::server {

class SessionActionsImpl : public SessionActions {
 public:
  explicit SessionActionsImpl(reconcilers::SessionActions& actions) : actions_(actions) {}
  api::Result<api::json> Heartbeat(const std::string& session, const Principal& who) override {
    return actions_.Heartbeat(session, who);
  }
  api::Result<api::json> Release(const std::string& session, const Principal& who) override {
    return actions_.Release(session, who);
  }

 private:
  reconcilers::SessionActions& actions_;
};

}  // namespace labctl::server
