// NeopsFacade: serves the Neops Remote Lab REST API (docs/neops-compat.md)
// on labd's HTTP server, as a view over the same Session and Lab objects: POST /session,
// GET /session/{id}, GET /active-session, DELETE /session/{id}, POST /session/heartbeat,
// POST /lab (multipart), GET /lab, GET /lab/devices, POST /lab/release, DELETE /lab,
// GET /debug/health and (when mounted under a prefix) GET /healthz. Errors are
// {"detail": "..."} with the original's status codes.
//
// With labd --tokens every facade request authenticates like any other (Authorization: Bearer,
// checked before routing; only the prefixed /healthz is public: NeopsPublicPaths); a read-only
// token may only read /debug/health. A session belongs to the caller that created it, and its
// session_id, a random secret (neops_sessions.h), is the credential for its session and lab
// calls; GET /active-session reveals the id only to the caller that already presents it in
// X-Session-ID. A POST /lab topology may ask of the host only what the caller's grant allows
// (api/host_access_policy.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/clock.h"
#include "controller/server/auth.h"
#include "controller/server/neops/neops_labs.h"
#include "controller/server/neops/neops_sessions.h"
#include "reconcilers/session/session_actions.h"
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
  NeopsFacade(store::Store& store, reconcilers::SessionActions& actions, const Auth& auth,
              NeopsFacadeOptions options);
  NeopsSessions& sessions() { return sessions_; }
  NeopsLabs& labs() { return labs_; }
  const NeopsFacadeOptions& options() const { return options_; }
  const api::Clock& clock() const { return *clock_; }
  const Auth& auth() const { return auth_; }
  api::TimePoint started() const { return started_; }

 private:
  NeopsFacadeOptions options_;
  const Auth& auth_;
  const api::Clock* clock_;
  api::TimePoint started_;
  NeopsSessions sessions_;
  NeopsLabs labs_;
};

// Mounts the routes; returns the facade, which must outlive the server. `auth` is the server's
// (ApiServer::auth()).
std::unique_ptr<NeopsFacade> MountNeopsFacade(httplib::Server& server, store::Store& store,
                                              reconcilers::SessionActions& actions,
                                              const Auth& auth, NeopsFacadeOptions options = {});
// The body of a 404/405 on `path` when the facade is mounted at `prefix`
// (ApiServer::SetForeignErrorBody): FastAPI's {"detail": "Not Found"} or "Method Not Allowed"
// for paths of the facade, nullopt for labd's own (/apis/..., /ui, /metrics, ...).
std::optional<std::string> NeopsErrorBody(const std::string& prefix, const std::string& path,
                                          int http_status);

// The paths the facade serves without a token, for ApiServer::AddPublicPath.
std::vector<std::string> NeopsPublicPaths(const std::string& prefix = "");
// The path (a regex) of POST /lab, which waits for the lab to be Ready: for
// ApiServer::AddLongRunningRoute.
std::string NeopsBringUpPath(const std::string& prefix = "");

}  // namespace labctl::server
