#include "controller/server/api_server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "controller/server/connection_gate.h"
#include "controller/server/gate_stream.h"
#include "controller/server/listen_socket.h"
#include "controller/server/request_head.h"
#include "controller/server/route_access.h"
#include "controller/server/server_context.h"

namespace labctl::server {
namespace {

// Below the fd limit by this many, for the store, Docker connections and exec streams.
constexpr uint64_t kFdReserve = 256;
constexpr size_t kDefaultMaxConnections = 10'000;

// cpp-httplib's server with its request processing reachable: the connection gate owns the
// sockets and hands each complete request to process_request.
class GatedHttpServer : public httplib::Server {
 public:
  using httplib::Server::process_request;
  // cpp-httplib ends streamed answers (watch, logs) once its listening socket is invalid: mark
  // it valid while the gate serves, invalid to stop them.
  void SetServing(int listen_fd) { svr_sock_ = listen_fd; }
  void StopStreams() { svr_sock_ = INVALID_SOCKET; }
};

// Fixes up a request the gate accepted before cpp-httplib routes it.
void PrepareRequest(httplib::Request& req, const GateConnection& conn) {
  // RFC 9112 6.3: neither Content-Length nor Transfer-Encoding means no body (cpp-httplib would
  // wait for the client to close instead).
  if (!req.has_header("Content-Length") && !req.has_header("Transfer-Encoding"))
    req.set_header("Content-Length", "0");
  // The gate already told the client to send its body.
  if (conn.expect_answered) req.headers.erase("Expect");
}

}  // namespace

struct ApiServer::Impl {
  Impl(store::Store& store, ServerOptions opts) : options(std::move(opts)), ctx(store, options) {}

  void Configure();
  void Classify();
  GateLimits Limits() const;
  ConnectionGate::Disposition Serve(GateConnection& conn);

  ServerOptions options;
  ServerContext ctx;
  GatedHttpServer http;
  RequestClassifier classifier;
  std::vector<std::string> public_paths;
  ApiServer::ErrorBody foreign_error_body;
  std::unique_ptr<TlsContext> tls;  // before `gate`, which uses it
  std::unique_ptr<ConnectionGate> gate;
  int bound_port = 0;
  bool started = false;
  bool stopped = false;
};

void ApiServer::Impl::Configure() {
  // Read limits and timeouts are the gate's; the request reaches cpp-httplib whole.
  for (auto& path : DashboardPublicPaths()) public_paths.push_back(std::move(path));
  http.set_payload_max_length(options.max_body_bytes);
  http.set_read_timeout(options.read_timeout);
  http.set_write_timeout(options.write_timeout);
  http.set_keep_alive_timeout(
      std::chrono::duration_cast<std::chrono::seconds>(options.keep_alive_timeout).count());
  http.set_keep_alive_max_count(100'000);

  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (AccessOf(req.method, req.path, public_paths) != RouteAccess::kToken)
      return httplib::Server::HandlerResponse::Unhandled;
    auto caller = CallerOf(req, options.auth);
    if (!caller.ok()) {
      res.set_header("WWW-Authenticate", "Bearer");
      SendStatus(res, caller.status());
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Called for every answer >= 400; fills a Status body where the handler left none (unknown
  // path, body too large, unreadable request).
  http.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                     httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Handled;
    if ((res.status == 404 || res.status == 405) && foreign_error_body) {
      if (auto body = foreign_error_body(req.path, res.status)) {
        res.set_content(*body, "application/json");
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    api::Status st;
    switch (res.status) {
      case 404:
        st = api::Status::NotFound("no route for " + req.method + " " + req.path);
        break;
      case 413:
        st = api::Status::TooLarge("request body exceeds the server's limit");
        break;
      case 400:
        st = api::Status::BadRequest("malformed HTTP request");
        break;
      default:
        st = api::Status(static_cast<api::Code>(res.status), "HTTP" + std::to_string(res.status),
                         "request failed with HTTP status " + std::to_string(res.status));
    }
    SendStatus(res, st);
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.set_exception_handler(
      [](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        spdlog::error("request failed method={} path={} error=\"{}\"", req.method, req.path, what);
        SendStatus(res, api::Status::Internal(what));
      });
  http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    ctx.metrics.CountRequest(req.method, res.status);
    spdlog::debug("http method={} path={} code={} remote={}", req.method, req.path, res.status,
                  req.remote_addr);
  });

  MountResourceRoutes(http, ctx);
  MountSessionActionRoutes(http, ctx);
  MountLabActionRoutes(http, ctx);
  MountSystemRoutes(http, ctx);
  MountDashboardRoutes(http, ctx);
}

// Which requests are watches and which are long-running (ordinary is everything else).
void ApiServer::Impl::Classify() {
  const std::string api = kApiPathPattern;
  classifier.AddWatchable(api + "/(labs|sessions|events|hosts)");
  classifier.AddLongRunning("POST", api + "/labs/[^/]+/(exec|reset)");
  classifier.AddLongRunning("POST", api + "/labs/[^/]+/exec/[^/]+/stdin", /*streams_body=*/true);
  classifier.AddLongRunning("GET", api + "/labs/[^/]+/(logs|capture)");
}

GateLimits ApiServer::Impl::Limits() const {
  GateLimits limits;
  const uint64_t fd_limit = FdLimit();
  limits.max_connections = options.max_connections;
  if (limits.max_connections == 0) {
    limits.max_connections = kDefaultMaxConnections;
    if (fd_limit > 0)
      limits.max_connections = static_cast<size_t>(
          std::clamp<uint64_t>(fd_limit > kFdReserve * 2 ? fd_limit - kFdReserve : fd_limit / 2, 16,
                               kDefaultMaxConnections));
  } else if (fd_limit > 0 && limits.max_connections + kFdReserve > fd_limit) {
    spdlog::warn("--max-connections {} is close to the fd limit {}: accepts may fail with EMFILE",
                 limits.max_connections, fd_limit);
  }
  limits.max_connections_per_client = options.max_connections_per_client;
  limits.max_watchers = static_cast<size_t>(options.max_watchers);
  limits.max_long_running = static_cast<size_t>(options.max_long_running);
  limits.request_workers = static_cast<size_t>(options.request_workers);
  limits.max_body_bytes = options.max_body_bytes;
  limits.request_timeout = options.request_timeout;
  limits.idle_timeout = options.keep_alive_timeout;
  return limits;
}

// Runs on a worker: cpp-httplib parses and routes the request the gate read.
ConnectionGate::Disposition ApiServer::Impl::Serve(GateConnection& conn) {
  GateStream stream(conn, options.read_timeout, options.write_timeout);
  // An ordinary answer leaves in one send; watches and long-running streams send as they go.
  if (conn.request_class == RequestClass::kOrdinary) stream.Coalesce();
  // A streamed body may be left half-read by its handler: the connection cannot carry another.
  const bool close_after = conn.streams_body || ctx.watches.stopping();
  bool closed = false;
  bool ok = false;
  const auto start = std::chrono::steady_clock::now();
  try {
    ok = http.process_request(stream, close_after, closed,
                              [&conn](httplib::Request& req) { PrepareRequest(req, conn); });
  } catch (const std::exception& e) {
    spdlog::error("request failed remote={} error=\"{}\"", conn.peer_ip, e.what());
  }
  if (!stream.Flush()) ok = false;
  if (conn.request_class == RequestClass::kOrdinary)
    ctx.metrics.ObserveRequest(conn.head.method, start);
  return ok && !closed && !close_after ? ConnectionGate::Disposition::kKeepAlive
                                       : ConnectionGate::Disposition::kClose;
}

ApiServer::ApiServer(store::Store& store, ServerOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}

ApiServer::~ApiServer() { Stop(); }

void ApiServer::SetSessionActions(SessionActions* actions) { impl_->ctx.session_actions = actions; }
void ApiServer::SetLabActions(LabActions* actions) { impl_->ctx.lab_actions = actions; }
void ApiServer::AddPublicPath(std::string path) { impl_->public_paths.push_back(std::move(path)); }

void ApiServer::SetForeignErrorBody(ErrorBody body) { impl_->foreign_error_body = std::move(body); }
void ApiServer::AddLongRunningRoute(const std::string& method, const std::string& path_regex) {
  impl_->classifier.AddLongRunning(method, path_regex);
}

api::Status ApiServer::Start() {
  if (impl_->started) return api::Status::Internal("ApiServer started twice");
  if (impl_->options.tls.enabled()) {
    auto tls = TlsContext::Load(impl_->options.tls);
    if (!tls.ok()) return tls.status();
    impl_->tls = std::move(*tls);
  }
  impl_->Configure();
  impl_->Classify();
  auto listener =
      ListenTcp(impl_->options.host, impl_->options.port, impl_->options.listen_backlog);
  if (!listener.ok()) return listener.status();
  impl_->bound_port = BoundPort(*listener);
  GateLimits limits = impl_->Limits();
  spdlog::info(
      "http limits max-connections={} max-client-connections={} max-watchers={} "
      "max-streams={} request-workers={} request-timeout={}ms idle-timeout={}ms "
      "fd-limit={} tls={}",
      limits.max_connections, limits.max_connections_per_client, limits.max_watchers,
      limits.max_long_running, limits.request_workers, limits.request_timeout.count(),
      limits.idle_timeout.count(), FdLimit(),
      !impl_->tls                      ? "off"
      : impl_->tls->verifies_clients() ? "on, client certificates required"
                                       : "on");
  impl_->gate = std::make_unique<ConnectionGate>(
      limits, impl_->classifier, [this](GateConnection& conn) { return impl_->Serve(conn); },
      &impl_->ctx.metrics, impl_->tls.get());
  impl_->http.SetServing(*listener);
  LABCTL_RETURN_IF_ERROR(impl_->gate->Start(*listener));
  impl_->started = true;
  return api::Status::Ok();
}

int ApiServer::port() const { return impl_->bound_port; }

void ApiServer::SetReady(bool ready) { impl_->ctx.ready = ready; }

void ApiServer::Stop() {
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  impl_->ctx.ready = false;
  impl_->ctx.watches.CancelAll();
  impl_->http.StopStreams();
  impl_->gate->Stop();
}

const Auth& ApiServer::auth() const { return impl_->options.auth; }

httplib::Server& ApiServer::raw() { return impl_->http; }

// ---- ServerContext and WatchRegistry ----

ServerContext::ServerContext(store::Store& s, const ServerOptions& o)
    : store(s),
      options(o),
      clock(o.clock ? *o.clock : static_cast<const api::Clock&>(api::SystemClock::Instance())),
      resources(s),
      metrics(s) {}

bool WatchRegistry::Add(store::Watch* watch) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return false;
  watches_.insert(watch);
  return true;
}

void WatchRegistry::Remove(store::Watch* watch) {
  std::lock_guard<std::mutex> lock(mu_);
  watches_.erase(watch);
}

void WatchRegistry::CancelAll() {
  std::lock_guard<std::mutex> lock(mu_);
  stopping_ = true;
  for (auto* w : watches_) w->Cancel();
}

}  // namespace labctl::server
