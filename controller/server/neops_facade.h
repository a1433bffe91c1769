// NeopsFacade: serves the Neops Remote Lab REST API (docs/neops-compat.md)
// on labd's HTTP server, as a view over the same Session and Lab objects: POST /session,
// GET /session/{id}, GET /active-session, DELETE /session/{id}, POST /session/heartbeat,
// POST /lab (multipart), GET /lab, GET /lab/devices, POST /lab/release, DELETE /lab,
// GET /debug/health and (when mounted under a prefix) GET /healthz. Errors are
// {"detail": "..."} with the original's status codes.
//
// Neops clients send no token: with labd --tokens, labd must make these paths public
// (ApiServer::AddPublicPath for each of NeopsPublicPaths(prefix)); the session id, a UUID known
// only to its creator, is then the credential, and GET /active-session reveals the id only to
// the caller that already presents it in X-Session-ID.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/clock.h"
#include "controller/server/neops_labs.h"
#include "controller/server/neops_sessions.h"
#include "reconcilers/session_actions.h"
#include "store/store.h"

namespace httplib {
class Server;
}

namespace labctl::server {

struct NeopsFacadeOptions {
  // Path prefix, e.g. "/neops". Empty: served at the root like the original, where labd's own
  // GET /healthz (200) answers for the Neops one (204); every Neops client accepts both.
  std::string prefix;
  NeopsSessionOptions sessions;
  NeopsLabOptions labs;
  const api::Clock* clock = nullptr;  // nullptr: system clock
};

// The facade's state; owned by whoever mounts it and kept alive while the server runs.
class NeopsFacade {
 public:
  NeopsFacade(store::Store& store, reconcilers::SessionActions& actions,
              NeopsFacadeOptions options);
  NeopsSessions& sessions() { return sessions_; }
  NeopsLabs& labs() { return labs_; }
  const NeopsFacadeOptions& options() const { return options_; }
  const api::Clock& clock() const { return *clock_; }
  api::TimePoint started() const { return started_; }

 private:
  NeopsFacadeOptions options_;
  const api::Clock* clock_;
  api::TimePoint started_;
  NeopsSessions sessions_;
  NeopsLabs labs_;
};

// Mounts the routes; returns the facade, which must outlive the server.
std::unique_ptr<NeopsFacade> MountNeopsFacade(httplib::Server& server, store::Store& store,
                                              reconcilers::SessionActions& actions,
                                              NeopsFacadeOptions options = {});
// Path prefixes the facade serves, for ApiServer::AddPublicPath.
std::vector<std::string> NeopsPublicPaths(const std::string& prefix = "");

}  // namespace labctl::server
