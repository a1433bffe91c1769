// ApiServer: labd's HTTP API (docs/api.md) over a Store.
//
// Serves list/get/create/replace/merge-patch/delete and the status subresource of Labs and
// Sessions (Events read-only), watch as chunked newline-delimited JSON, session heartbeat and
// release, lab exec/logs/capture (through pluggable actions), and /healthz, /readyz, /version,
// /metrics, /openapi.json. Every non-2xx answer is a Status object.
//
// Threads: one pool thread per open connection (cpp-httplib's model); the pool grows on demand
// up to max_watchers + request_workers threads, and at most max_watchers watch streams are open
// at once (more get 429), so watchers never starve ordinary requests. Stop() ends every watch
// stream, waits for in-flight requests and returns.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "api/status.h"
#include "controller/server/actions.h"
#include "controller/server/auth.h"
#include "store/store.h"

namespace httplib {
class Server;
}

namespace labctl::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 7450;  // 0: any free port (see ApiServer::port())
  Auth auth;        // default: no tokens, everybody anonymous/admin
  size_t max_body_bytes = 4 << 20;
  int max_watchers = 1024;
  int request_workers = 16;
  int listen_backlog = 1024;
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(60)};
  // Watch streams send an empty line when idle this long, so readers with a read timeout stay
  // connected and a vanished client is noticed by the failed write.
  std::chrono::milliseconds watch_keepalive_interval{std::chrono::seconds(2)};
  std::chrono::seconds read_timeout{10};
  std::chrono::seconds write_timeout{10};
  std::chrono::seconds keep_alive_timeout{10};
  std::string version;                // reported by /version
  std::string git_commit;             // reported by /version when non-empty
  const api::Clock* clock = nullptr;  // nullptr: system clock
};

class ApiServer {
 public:
  ApiServer(store::Store& store, ServerOptions options);
  ~ApiServer();  // Stop()s
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Register before Start(); not owned, must outlive the server.
  void SetSessionActions(SessionActions* actions);
  void SetLabActions(LabActions* actions);
  // Paths starting with `prefix` are served without a token (like /healthz). Before Start().
  void AddPublicPath(std::string prefix);

  // Binds host:port and serves on background threads; returns once connections are accepted.
  api::Status Start();
  int port() const;  // the bound port (after Start)
  // /readyz answers 200 only once this is true (labd sets it after controllers started).
  void SetReady(bool ready);
  // Stops accepting, ends watch streams, waits for in-flight requests. Idempotent.
  void Stop();

  const Auth& auth() const;
  // The underlying cpp-httplib server, to mount more routes before Start(); the type is
  // complete in controller/server/http_internal.h.
  httplib::Server& raw();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace labctl::server
