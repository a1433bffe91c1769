// Internal: the state shared by labd's route handlers, and the functions that mount each group
// of routes. Only the server's own .cpp files include this.
#pragma once

#include <atomic>
#include <mutex>
#include <unordered_set>

#include "controller/server/api_server.h"
#include "controller/server/http_internal.h"
#include "controller/server/metrics.h"
#include "controller/server/resource_service.h"

namespace labctl::server {

// Open watch streams, so Stop() can end them (a blocked stream would hold its pool thread).
class WatchRegistry {
 public:
  // False once stopping: the caller must not start streaming.
  bool Add(store::Watch* watch);
  void Remove(store::Watch* watch);
  void CancelAll();  // and refuse new ones
  bool stopping() const { return stopping_.load(); }

 private:
  std::mutex mu_;
  std::unordered_set<store::Watch*> watches_;
  std::atomic<bool> stopping_{false};
};

struct ServerContext {
  ServerContext(store::Store& s, const ServerOptions& o);
  store::Store& store;
  const ServerOptions& options;
  const api::Clock& clock;
  SessionActions* session_actions = nullptr;
  LabActions* lab_actions = nullptr;
  ResourceService resources;
  Metrics metrics;
  WatchRegistry watches;
  std::atomic<bool> ready{false};
};

// Route groups (each in its own .cpp).
void MountResourceRoutes(httplib::Server& http, ServerContext& ctx);  // CRUD + status + watch
void MountSessionActionRoutes(httplib::Server& http, ServerContext& ctx);
void MountLabActionRoutes(httplib::Server& http, ServerContext& ctx);
void MountSystemRoutes(httplib::Server& http, ServerContext& ctx);
void MountDashboardRoutes(httplib::Server& http, ServerContext& ctx);  // /ui/, whoami, lab graph
// The dashboard's files: served without a token (they hold no data).
std::vector<std::string> DashboardPublicPaths();
// GET list with ?watch=: streams; called by the list handler.
void ServeWatch(const httplib::Request& req, httplib::Response& res, ServerContext& ctx,
                api::Kind kind);

// Shared by the route files: path pattern prefix and the kind named by a path segment.
inline constexpr char kApiPathPattern[] = R"(/apis/labctl\.dev/v1alpha1)";
api::Kind KindOfPlural(const std::string& plural);

}  // namespace labctl::server
