#include "controller/server/api_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "controller/server/server_context.h"
#include "controller/server/task_pool.h"

namespace labctl::server {
namespace {

// Always served without a token (probes and version checks).
const std::vector<std::string> kAlwaysPublic = {"/healthz", "/readyz", "/version"};

bool IsPublic(const std::string& path, const std::vector<std::string>& prefixes) {
  for (const auto& p : kAlwaysPublic)
    if (path == p) return true;
  for (const auto& p : prefixes)
    if (path.starts_with(p)) return true;
  return false;
}

}  // namespace

struct ApiServer::Impl {
  Impl(store::Store& store, ServerOptions opts) : options(std::move(opts)), ctx(store, options) {}

  void Configure();
  api::Status Bind();

  ServerOptions options;
  ServerContext ctx;
  httplib::Server http;
  std::vector<std::string> public_prefixes;
  int listen_fd = -1;
  int bound_port = 0;
  std::thread listener;
  bool started = false;
  bool stopped = false;
};

void ApiServer::Impl::Configure() {
  for (auto& path : DashboardPublicPaths()) public_prefixes.push_back(std::move(path));
  const size_t threads =
      static_cast<size_t>(options.max_watchers) + static_cast<size_t>(options.request_workers);
  http.new_task_queue = [threads] { return new ElasticTaskPool(threads); };
  http.set_payload_max_length(options.max_body_bytes);
  http.set_read_timeout(options.read_timeout);
  http.set_write_timeout(options.write_timeout);
  http.set_keep_alive_timeout(options.keep_alive_timeout.count());
  http.set_keep_alive_max_count(100'000);
  http.set_tcp_nodelay(true);
  http.set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd = sock;
  });

  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (IsPublic(req.path, public_prefixes)) return httplib::Server::HandlerResponse::Unhandled;
    // A streamed upload (exec stdin) is refused by its handler, which reads the body first: an
    // answer sent here, with the body unread, could be lost when the connection closes on it.
    if (req.path.ends_with("/stdin")) return httplib::Server::HandlerResponse::Unhandled;
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
  http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req,
                                                                 httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Handled;
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

api::Status ApiServer::Impl::Bind() {
  if (options.port == 0) {
    bound_port = http.bind_to_any_port(options.host);
    if (bound_port <= 0) bound_port = 0;
  } else if (http.bind_to_port(options.host, options.port)) {
    bound_port = options.port;
  }
  if (bound_port == 0) {
    return api::Status::Unavailable("cannot listen on " + options.host + ":" +
                                    std::to_string(options.port) + ": " + std::strerror(errno));
  }
  // cpp-httplib listens with a backlog of 5; a burst of clients would wait for seconds.
  if (listen_fd >= 0) ::listen(listen_fd, options.listen_backlog);
  return api::Status::Ok();
}

ApiServer::ApiServer(store::Store& store, ServerOptions options)
    : impl_(std::make_unique<Impl>(store, std::move(options))) {}

ApiServer::~ApiServer() { Stop(); }

void ApiServer::SetSessionActions(SessionActions* actions) { impl_->ctx.session_actions = actions; }
void ApiServer::SetLabActions(LabActions* actions) { impl_->ctx.lab_actions = actions; }
void ApiServer::AddPublicPath(std::string prefix) {
  impl_->public_prefixes.push_back(std::move(prefix));
}

api::Status ApiServer::Start() {
  if (impl_->started) return api::Status::Internal("ApiServer started twice");
  impl_->Configure();
  LABCTL_RETURN_IF_ERROR(impl_->Bind());
  impl_->started = true;
  impl_->listener = std::thread([this] { impl_->http.listen_after_bind(); });
  // Connections wait in the backlog until the accept loop runs; wait for it briefly so callers
  // that check is_running() (and Stop()) see a started server.
  for (int i = 0; i < 5000 && !impl_->http.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return api::Status::Ok();
}

int ApiServer::port() const { return impl_->bound_port; }

void ApiServer::SetReady(bool ready) { impl_->ctx.ready = ready; }

void ApiServer::Stop() {
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  impl_->ctx.ready = false;
  impl_->ctx.watches.CancelAll();
  impl_->http.stop();
  if (impl_->listener.joinable()) impl_->listener.join();
}

const Auth& ApiServer::auth() const { return impl_->options.auth; }

httplib::Server& ApiServer::raw() { return impl_->http; }

// ---- ServerContext and WatchRegistry ----

ServerContext::ServerContext(store::Store& s, const ServerOptions& o)
    : store(s),
      options(o),
      clock(o.clock ? *o.clock : static_cast<const api::Clock&>(api::SystemClock::Instance())),
      resources(s) {}

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
