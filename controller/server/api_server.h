// ApiServer: labd's HTTP API (docs/api.md) over a Store.
//
// Serves list/get/create/replace/merge-patch/delete and the status subresource of Labs and
// Sessions (Events read-only), watch as chunked newline-delimited JSON, session heartbeat and
// release, lab exec/logs/capture (through pluggable actions), and /healthz, /readyz, /version,
// /metrics, /openapi.json. Every non-2xx answer is a Status object.
//
// Connections: a ConnectionGate (one epoll thread) accepts and reads every request whole
// before a worker runs its handler; ordinary requests, watch streams and long-running requests
// (exec, logs, capture, reset, facade bring-up) have workers of their own, so neither idle or
// slow connections nor watches can starve ordinary requests (limits: GateLimits, ServerOptions
// below). Stop() ends every watch stream, waits for in-flight requests and returns.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api/status.h"
#include "controller/server/actions.h"
#include "controller/server/auth.h"
#include "controller/server/tls_context.h"
#include "store/store.h"

namespace httplib {
class Server;
}

namespace labctl::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 7450;                  // 0: any free port (see ApiServer::port())
  Auth auth;                        // default: no tokens, everybody anonymous/admin
  TlsFiles tls;                     // default: plain HTTP
  size_t max_body_bytes = 4 << 20;  // as sent or decoded from chunks
  int max_watchers = 1024;
  int max_long_running = 64;  // exec, logs, capture, reset, bring-up in flight (--max-streams)
  int request_workers = 16;   // threads reserved for ordinary requests
  // Connections open at once; 0: 10000, or fewer to stay 256 below the fd limit.
  size_t max_connections = 0;
  size_t max_connections_per_client = 2048;
  int listen_backlog = 1024;
  std::chrono::milliseconds bookmark_interval{std::chrono::seconds(60)};
  // Watch streams send an empty line when idle this long, so readers with a read timeout stay
  // connected and a vanished client is noticed by the failed write.
  std::chrono::milliseconds watch_keepalive_interval{std::chrono::seconds(2)};
  // A request's head and body must arrive within this (408 otherwise); a body streamed to its
  // handler (exec stdin) is exempt and bound by read_timeout per read instead.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  std::chrono::milliseconds read_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds write_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds keep_alive_timeout{std::chrono::seconds(30)};  // idle between requests
  std::string version;                                                     // reported by /version
  std::string git_commit;  // reported by /version when non-empty
  std::string instance;    // labd's instance name (labels its Docker objects); /version when set
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
  // `path` (exactly) is served without a token, like /healthz (route_access.h). Before Start().
  void AddPublicPath(std::string path);
  // Requests `method` on paths matching `path_regex` are long-running (they hold a worker for
  // long, like a facade bring-up): they run on the long-running workers. Before Start().
  void AddLongRunningRoute(const std::string& method, const std::string& path_regex);
  // For a 404 or 405 without a body: the JSON body another API mounted on this server answers
  // with on `path` (the Neops facade speaks FastAPI's {"detail": ...}), or nullopt for labd's
  // Status object. Before Start().
  using ErrorBody =
      std::function<std::optional<std::string>(const std::string& path, int http_status)>;
  void SetForeignErrorBody(ErrorBody body);

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
