#include "controller/server/neops_facade.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>

namespace labctl::server {

namespace {

using api::json;

constexpr char kSessionHeader[] = "X-Session-ID";

void Send(httplib::Response& res, int code, const json& body) {
  res.status = code;
  res.set_content(body.dump(), "application/json");
}

void SendDetail(httplib::Response& res, const api::Status& status) {
  Send(res, status.http_code(), {{"detail", status.message()}});
}

void SendEmpty(httplib::Response& res, int code) {
  res.status = code;
  res.body.clear();
}

bool FalseWord(std::string v) {
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "false" || v == "0" || v == "no" || v == "off";
}

// The X-Session-ID of a /lab* call: 422 if missing, 404 if unknown, 423 if not active.
api::Result<NeopsSessionView> ActiveCaller(NeopsFacade& facade, const httplib::Request& req) {
  std::string id = req.get_header_value(kSessionHeader);
  if (id.empty()) return api::Status::Invalid("X-Session-ID header is required", {});
  auto session = facade.sessions().Contact(id);
  if (!session.ok()) return session.status();
  if (!session->active) return api::Status(api::Code::kLocked, "Locked", "Session is not active");
  return session;
}

api::Result<NeopsUpload> ParseUpload(const httplib::Request& req) {
  if (!req.is_multipart_form_data() || !req.has_file("topology"))
    return api::Status::BadRequest("multipart field 'topology' (a file) is required");
  NeopsUpload upload;
  auto topology = req.get_file_value("topology");
  upload.topology_name = topology.filename;
  upload.topology = topology.content;
  if (req.has_file("reuse")) upload.reuse = !FalseWord(req.get_file_value("reuse").content);
  if (req.has_param("reuse")) upload.reuse = !FalseWord(req.get_param_value("reuse"));
  auto range = req.files.equal_range("extra_files");
  for (auto it = range.first; it != range.second; ++it) {
    if (!upload.extra_files.emplace(it->second.filename, it->second.content).second)
      return api::Status::BadRequest("extra file '" + it->second.filename + "' sent twice");
  }
  return upload;
}

void MountSessionRoutes(httplib::Server& http, NeopsFacade& f, const std::string& p) {
  http.Post(p + "/session", [&f](const httplib::Request&, httplib::Response& res) {
    auto created = f.sessions().Create();
    if (!created.ok()) return SendDetail(res, created.status());
    Send(res, 201, {{"session_id", created->id}, {"position", created->position}});
  });
  http.Post(p + "/session/heartbeat", [&f](const httplib::Request& req, httplib::Response& res) {
    std::string id = req.get_header_value(kSessionHeader);
    if (id.empty())
      return SendDetail(res, api::Status::Invalid("X-Session-ID header is required", {}));
    auto session = f.sessions().Contact(id);
    if (!session.ok()) return SendDetail(res, session.status());
    SendEmpty(res, 204);
  });
  http.Get(p + "/session/([^/]+)", [&f](const httplib::Request& req, httplib::Response& res) {
    auto session = f.sessions().Contact(req.matches[1]);
    if (!session.ok()) return SendDetail(res, session.status());
    Send(res, 200,
         {{"status", session->active ? "active" : "waiting"}, {"position", session->position}});
  });
  http.Delete(p + "/session/([^/]+)", [&f](const httplib::Request& req, httplib::Response& res) {
    api::Status ended = f.sessions().End(req.matches[1]);
    if (!ended.ok()) return SendDetail(res, ended);
    SendEmpty(res, 204);
  });
  http.Get(p + "/active-session", [&f](const httplib::Request& req, httplib::Response& res) {
    auto active = f.sessions().ActiveSession();
    if (!active.ok()) return SendDetail(res, active.status());
    // The id is the session's credential: only its holder gets it back.
    bool own = req.get_header_value(kSessionHeader) == active->id;
    if (own) f.sessions().Contact(active->id);
    Send(res, 200,
         {{"session_id", own ? json(active->id) : json(nullptr)},
          {"status", "active"},
          {"position", 0}});
  });
}

void MountLabRoutes(httplib::Server& http, NeopsFacade& f, const std::string& p) {
  http.Post(p + "/lab", [&f](const httplib::Request& req, httplib::Response& res) {
    auto session = ActiveCaller(f, req);
    if (!session.ok()) return SendDetail(res, session.status());
    auto upload = ParseUpload(req);
    if (!upload.ok()) return SendDetail(res, upload.status());
    auto up = f.labs().Up(*session, *upload);
    if (!up.ok()) return SendDetail(res, up.status());
    Send(res, 200, {{"reused", up->reused}, {"devices", up->devices}});
  });
  http.Get(p + "/lab", [&f](const httplib::Request& req, httplib::Response& res) {
    auto session = ActiveCaller(f, req);
    if (!session.ok()) return SendDetail(res, session.status());
    Send(res, 200, f.labs().Describe(*session));
  });
  http.Get(p + "/lab/devices", [&f](const httplib::Request& req, httplib::Response& res) {
    auto session = ActiveCaller(f, req);
    if (!session.ok()) return SendDetail(res, session.status());
    auto devices = f.labs().Devices();
    if (!devices.ok()) return SendDetail(res, devices.status());
    Send(res, 200, *devices);
  });
  http.Post(p + "/lab/release", [&f](const httplib::Request& req, httplib::Response& res) {
    auto session = ActiveCaller(f, req);
    if (!session.ok()) return SendDetail(res, session.status());
    api::Status released = f.labs().Release(*session);
    if (!released.ok()) return SendDetail(res, released);
    SendEmpty(res, 204);
  });
  http.Delete(p + "/lab", [&f](const httplib::Request& req, httplib::Response& res) {
    auto session = ActiveCaller(f, req);
    if (!session.ok()) return SendDetail(res, session.status());
    bool force = !req.has_param("force") || !FalseWord(req.get_param_value("force"));
    auto started = f.labs().Delete(force);
    if (!started.ok()) return SendDetail(res, started.status());
    SendEmpty(res, *started ? 202 : 204);
  });
}

void MountHealthRoutes(httplib::Server& http, NeopsFacade& f, const std::string& p) {
  if (!p.empty())
    http.Get(p + "/healthz",
             [](const httplib::Request&, httplib::Response& res) { SendEmpty(res, 204); });
  http.Get(p + "/debug/health", [&f](const httplib::Request&, httplib::Response& res) {
    api::TimePoint now = f.clock().Now();
    double uptime = std::chrono::duration<double>(now - f.started()).count();
    Send(res, 200,
         {{"status", "ok"},
          {"timestamp", api::FormatTime(now)},
          {"uptime", uptime},
          {"sessions", f.sessions().LiveSessions()},
          {"queue_length", f.sessions().QueueLength()}});
  });
}

}  // namespace

NeopsFacade::NeopsFacade(store::Store& store, reconcilers::SessionActions& actions,
                         NeopsFacadeOptions options)
    : options_(std::move(options)),
      clock_(options_.clock ? options_.clock : &api::SystemClock::Instance()),
      started_(clock_->Now()),
      sessions_(store, actions, options_.sessions),
      labs_(store, sessions_, options_.labs) {}

std::unique_ptr<NeopsFacade> MountNeopsFacade(httplib::Server& server, store::Store& store,
                                              reconcilers::SessionActions& actions,
                                              NeopsFacadeOptions options) {
  auto facade = std::make_unique<NeopsFacade>(store, actions, options);
  std::string prefix = options.prefix;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  MountSessionRoutes(server, *facade, prefix);
  MountLabRoutes(server, *facade, prefix);
  MountHealthRoutes(server, *facade, prefix);
  spdlog::info("neops facade mounted prefix={}", prefix.empty() ? "/" : prefix);
  return facade;
}

std::vector<std::string> NeopsPublicPaths(const std::string& prefix) {
  std::vector<std::string> paths;
  for (const char* p : {"/session", "/active-session", "/lab", "/debug/health"})
    paths.push_back(prefix + p);
  if (!prefix.empty()) paths.push_back(prefix + "/healthz");
  return paths;
}

std::string NeopsBringUpPath(const std::string& prefix) {
  std::string path;
  for (char c : prefix) {
    if (std::string_view(".^$|()[]{}*+?\\").find(c) != std::string_view::npos) path += '\\';
    path += c;
  }
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path + "/lab";
}

}  // namespace labctl::server
