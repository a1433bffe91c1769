#include "controller/server/neops/neops_facade.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>

#include "controller/server/http_internal.h"
#include "controller/server/neops/neops_wire.h"

namespace labctl::server {

namespace {

using api::json;

constexpr char kSessionHeader[] = "X-Session-ID";

void Send(httplib::Response& res, int code, const json& body) { SendJson(res, code, body); }

// A missing header or form field is FastAPI's validation error: 422 with where it was missing.
// Such a Status carries that place as its one cause (field "header.x-session-id").
api::Status Missing(const std::string& where, const std::string& field) {
  return api::Status::Invalid(field + " is required", {{where + "." + field, "field required"}});
}

void SendDetail(httplib::Response& res, const api::Status& status) {
  const auto& causes = status.causes();
  if (status.code() == api::Code::kInvalid && causes.size() == 1) {
    const std::string& place = causes.front().field;
    size_t dot = place.find('.');
    if (dot != std::string::npos)
      return Send(res, 422, NeopsMissing(place.substr(0, dot), place.substr(dot + 1)));
  }
  Send(res, status.http_code(), NeopsDetail(status.message()));
}

void SendEmpty(httplib::Response& res, int code) {
  res.status = code;
  res.body.clear();
}

bool FalseWord(std::string v) {
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "false" || v == "0" || v == "no" || v == "off";
}

// The authenticated caller (every request with labd --tokens carries a bearer token, checked
// before routing). Every facade call but /debug/health changes the queue or counts as contact,
// so a read-only token is refused.
api::Result<Principal> Writer(NeopsFacade& facade, const httplib::Request& req) {
  auto who = CallerOf(req, facade.auth());
  if (!who.ok()) return who.status();
  if (!who->CanWrite()) return api::Status::Forbidden(who->user + " may only read");
  return who;
}

// The session named by X-Session-ID, if the caller may act on it: 422 if missing, 404 if
// unknown.
api::Result<NeopsSessionView> NamedSession(NeopsFacade& facade, const httplib::Request& req,
                                           const Principal& who) {
  std::string id = req.get_header_value(kSessionHeader);
  if (id.empty()) return Missing("header", "x-session-id");
  return facade.sessions().Contact(id, who);
}

// The session of a /lab* call: as NamedSession, and 423 if not active.
api::Result<NeopsSessionView> ActiveCaller(NeopsFacade& facade, const httplib::Request& req,
                                           const Principal& who) {
  auto session = NamedSession(facade, req, who);
  if (!session.ok()) return session.status();
  if (!session->active) return api::Status(api::Code::kLocked, "Locked", "Session is not active");
  return session;
}

api::Result<NeopsUpload> ParseUpload(const httplib::Request& req) {
  if (!req.is_multipart_form_data() || !req.has_file("topology"))
    return Missing("body", "topology");
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

// A facade route handler, run for an authenticated caller that may write.
using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Principal&)>;

httplib::Server::Handler AsWriter(NeopsFacade& f, Handler handler) {
  return [&f, handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
    auto who = Writer(f, req);
    if (!who.ok()) return SendDetail(res, who.status());
    handler(req, res, *who);
  };
}

void MountSessionRoutes(httplib::Server& http, NeopsFacade& f, const std::string& p) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  http.Post(p + "/session", AsWriter(f, [&f](Req, Res res, const Principal& who) {
              auto created = f.sessions().Create(who);
              if (!created.ok()) return SendDetail(res, created.status());
              Send(res, 201, {{"session_id", created->id}, {"position", created->position}});
            }));
  http.Post(p + "/session/heartbeat", AsWriter(f, [&f](Req req, Res res, const Principal& who) {
              auto session = NamedSession(f, req, who);
              if (!session.ok()) return SendDetail(res, session.status());
              SendEmpty(res, 204);
            }));
  http.Get(
      p + "/session/([^/]+)", AsWriter(f, [&f](Req req, Res res, const Principal& who) {
        auto session = f.sessions().Contact(req.matches[1], who);
        if (!session.ok()) return SendDetail(res, session.status());
        Send(res, 200,
             {{"status", session->active ? "active" : "waiting"}, {"position", session->position}});
      }));
  http.Delete(p + "/session/([^/]+)", AsWriter(f, [&f](Req req, Res res, const Principal& who) {
                api::Status ended = f.sessions().End(req.matches[1], who);
                if (!ended.ok()) return SendDetail(res, ended);
                SendEmpty(res, 204);
              }));
  http.Get(p + "/active-session", AsWriter(f, [&f](Req req, Res res, const Principal& who) {
             auto active = f.sessions().ActiveSession();
             if (!active.ok()) return SendDetail(res, active.status());
             // The id is the session's credential: only a caller that presents it gets it back.
             std::string id = req.get_header_value(kSessionHeader);
             bool own = NeopsSessions::IsIdOf(id, *active) && f.sessions().Contact(id, who).ok();
             Send(res, 200,
                  {{"session_id", own ? json(id) : json(nullptr)},
                   {"status", "active"},
                   {"position", 0}});
           }));
}

void MountLabRoutes(httplib::Server& http, NeopsFacade& f, const std::string& p) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  http.Post(p + "/lab", AsWriter(f, [&f](Req req, Res res, const Principal& who) {
              auto session = ActiveCaller(f, req, who);
              if (!session.ok()) return SendDetail(res, session.status());
              auto upload = ParseUpload(req);
              if (!upload.ok()) return SendDetail(res, upload.status());
              auto up = f.labs().Up(*session, *upload, who.host_access);
              if (!up.ok()) return SendDetail(res, up.status());
              Send(res, 200, {{"reused", up->reused}, {"devices", up->devices}});
            }));
  http.Get(p + "/lab", AsWriter(f, [&f](Req req, Res res, const Principal& who) {
             auto session = ActiveCaller(f, req, who);
             if (!session.ok()) return SendDetail(res, session.status());
             Send(res, 200, f.labs().Describe(*session));
           }));
  http.Get(p + "/lab/devices", AsWriter(f, [&f](Req req, Res res, const Principal& who) {
             auto session = ActiveCaller(f, req, who);
             if (!session.ok()) return SendDetail(res, session.status());
             auto devices = f.labs().Devices();
             if (!devices.ok()) return SendDetail(res, devices.status());
             Send(res, 200, *devices);
           }));
  http.Post(p + "/lab/release", AsWriter(f, [&f](Req req, Res res, const Principal& who) {
              auto session = ActiveCaller(f, req, who);
              if (!session.ok()) return SendDetail(res, session.status());
              api::Status released = f.labs().Release(*session);
              if (!released.ok()) return SendDetail(res, released);
              SendEmpty(res, 204);
            }));
  http.Delete(p + "/lab", AsWriter(f, [&f](Req req, Res res, const Principal& who) {
                auto session = ActiveCaller(f, req, who);
                if (!session.ok()) return SendDetail(res, session.status());
                bool force = !req.has_param("force") || !FalseWord(req.get_param_value("force"));
                auto started = f.labs().Delete(force);
                if (!started.ok()) return SendDetail(res, started.status());
                SendEmpty(res, *started ? 202 : 204);
              }));
}

// Every other method on the facade's paths (OPTIONS too: FastAPI without CORS middleware has no
// preflight answer) answers as FastAPI does: 405 with an Allow header.
void MountMethodNotAllowed(httplib::Server& http, const std::string& p) {
  const std::vector<std::pair<std::string, std::string>> routes = {
      {"/session", "POST"},       {"/session/heartbeat", "POST"}, {"/session/[^/]+", "GET, DELETE"},
      {"/active-session", "GET"}, {"/lab", "GET, POST, DELETE"},  {"/lab/devices", "GET"},
      {"/lab/release", "POST"},   {"/debug/health", "GET"}};
  using Handler =
      httplib::Server& (httplib::Server::*)(const std::string&, httplib::Server::Handler);
  const std::vector<std::pair<std::string, Handler>> methods = {
      {"GET", &httplib::Server::Get},       {"POST", &httplib::Server::Post},
      {"PUT", &httplib::Server::Put},       {"PATCH", &httplib::Server::Patch},
      {"DELETE", &httplib::Server::Delete}, {"OPTIONS", &httplib::Server::Options}};
  for (const auto& [path, allowed] : routes)
    for (const auto& [method, mount] : methods) {
      if (allowed.find(method) != std::string::npos) continue;
      (http.*mount)(p + path, [allow = allowed](const httplib::Request&, httplib::Response& res) {
        res.set_header("Allow", allow);
        Send(res, 405, {{"detail", "Method Not Allowed"}});
      });
    }
}

void MountHealthRoutes(httplib::Server& http, NeopsFacade& f, const std::string& p) {
  if (!p.empty())
    http.Get(p + "/healthz",
             [](const httplib::Request&, httplib::Response& res) { SendEmpty(res, 204); });
  http.Get(p + "/debug/health", [&f](const httplib::Request&, httplib::Response& res) {
    api::TimePoint now = f.clock().Now();
    double uptime = std::chrono::duration<double>(now - f.started()).count();
    // As Neops: the timestamp is epoch seconds, and its queue holds the active session too.
    size_t live = f.sessions().LiveSessions();
    Send(res, 200,
         {{"status", "ok"},
          {"timestamp", std::chrono::duration<double>(now.time_since_epoch()).count()},
          {"uptime", uptime},
          {"sessions", live},
          {"queue_length", live}});
  });
}

}  // namespace

NeopsFacade::NeopsFacade(store::Store& store, reconcilers::SessionActions& actions,
                         const Auth& auth, NeopsFacadeOptions options)
    : options_(std::move(options)),
      auth_(auth),
      clock_(options_.clock ? options_.clock : &api::SystemClock::Instance()),
      started_(clock_->Now()),
      sessions_(store, actions, options_.sessions),
      labs_(store, sessions_, options_.labs) {}

std::unique_ptr<NeopsFacade> MountNeopsFacade(httplib::Server& server, store::Store& store,
                                              reconcilers::SessionActions& actions,
                                              const Auth& auth, NeopsFacadeOptions options) {
  auto facade = std::make_unique<NeopsFacade>(store, actions, auth, options);
  std::string prefix = options.prefix;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  MountSessionRoutes(server, *facade, prefix);
  MountLabRoutes(server, *facade, prefix);
  MountHealthRoutes(server, *facade, prefix);
  MountMethodNotAllowed(server, prefix);
  spdlog::info("neops facade mounted prefix={}", prefix.empty() ? "/" : prefix);
  return facade;
}

std::optional<std::string> NeopsErrorBody(const std::string& prefix, const std::string& path,
                                          int http_status) {
  std::string p = prefix;
  while (!p.empty() && p.back() == '/') p.pop_back();
  if (!p.empty() && path != p && path.rfind(p + "/", 0) != 0) return std::nullopt;
  if (p.empty()) {
    // labd's own API and pages keep their Status objects.
    for (const char* own :
         {"/apis/", "/ui", "/metrics", "/readyz", "/healthz", "/version", "/openapi.json"})
      if (path.rfind(own, 0) == 0) return std::nullopt;
  }
  return json{{"detail", http_status == 405 ? "Method Not Allowed" : "Not Found"}}.dump();
}

std::vector<std::string> NeopsPublicPaths(const std::string& prefix) {
  if (prefix.empty()) return {};  // labd's own /healthz answers, public already
  return {prefix + "/healthz"};
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
