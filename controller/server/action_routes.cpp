// Routes for the non-CRUD endpoints: session heartbeat/release and lab exec (and its stdin),
// logs, capture, inspect and reset. The caller's right to act is checked here
// (api/session_ownership.h: the session's owner, or group admin); the work is done
// by the registered SessionActions/LabActions, or, for sessions without one, by plain status
// writes (StoreSessionActions).
#include <spdlog/spdlog.h>

#include "api/host_access_policy.h"
#include "api/session_ownership.h"
#include "api/warm_pool.h"
#include "api/yaml.h"
#include "controller/server/server_context.h"
#include "reconcilers/session/session_index.h"

namespace labctl::server {
namespace {

using api::json;
using api::Kind;
using api::Status;

constexpr int kStatusWriteAttempts = 5;

bool IsFinished(const std::string& phase) {
  return phase == "Released" || phase == "Expired" || phase == "Cancelled" || phase == "Failed";
}

std::string Phase(const json& session) {
  return session.value("/status/phase"_json_pointer, std::string());
}

// The fallback when no SessionActions is registered: heartbeat and release as status writes.
class StoreSessionActions : public SessionActions {
 public:
  explicit StoreSessionActions(ServerContext& ctx) : ctx_(ctx) {}

  api::Result<json> Heartbeat(const std::string& name, const Principal& who) override {
    return WriteStatus(name, [&](json& session) -> Status {
      if (IsFinished(Phase(session))) {
        return Status::Conflict("session " + name + " is " + Phase(session));
      }
      session["status"]["lastHeartbeatTime"] = api::FormatTime(ctx_.clock.Now());
      return Status::Ok();
    });
  }

  api::Result<json> Release(const std::string& name, const Principal& who) override {
    return WriteStatus(name, [&](json& session) -> Status {
      if (IsFinished(Phase(session))) return Status::Ok();  // idempotent
      session["status"]["phase"] = "Released";
      session["status"]["finishedAt"] = api::FormatTime(ctx_.clock.Now());
      session["status"]["reason"] = "Released by " + who.user;
      return Status::Ok();
    });
  }

 private:
  template <class Change>
  api::Result<json> WriteStatus(const std::string& name, Change change) {
    for (int attempt = 1;; ++attempt) {
      auto session = ctx_.store.Get(Kind::kSession, name);
      LABCTL_RETURN_IF_ERROR(session);
      json updated = *session;
      if (!updated.contains("status") || !updated["status"].is_object()) {
        updated["status"] = json::object();
      }
      LABCTL_RETURN_IF_ERROR(change(updated));
      if (updated == *session) return session;
      auto written = ctx_.store.UpdateStatus(Kind::kSession, std::move(updated));
      if (written.ok() || written.status().reason() != "Conflict" ||
          attempt == kStatusWriteAttempts) {
        return written;
      }
    }
  }

  ServerContext& ctx_;
};

void HandleSessionAction(const httplib::Request& req, httplib::Response& res, ServerContext& ctx,
                         SessionActions& fallback) {
  auto who = CallerOf(req, ctx.options.auth);
  if (!who.ok()) return SendStatus(res, who.status());
  if (!who->CanWrite()) return SendStatus(res, Status::Forbidden(who->user + " may only read"));
  const std::string name = req.matches[1];
  auto owned = ctx.resources.GetOwnedSession(name, *who);
  if (!owned.ok()) return SendStatus(res, owned.status());
  SessionActions& actions = ctx.session_actions ? *ctx.session_actions : fallback;
  auto result =
      req.matches[2] == "heartbeat" ? actions.Heartbeat(name, *who) : actions.Release(name, *who);
  if (!result.ok()) return SendStatus(res, result.status());
  reconcilers::FillQueuePosition(ctx.store, *result);
  SendJson(res, 200, *result);
}

// Exec, capture and reset reach into a lab's nodes: a lab held by a session is its owner's. An
// exec runs code in the nodes with whatever they were given of the host, so the caller's grant
// must cover the lab's spec as it would for writing it.
Status CheckLabAccess(ServerContext& ctx, const std::string& lab, const std::string& action,
                      const Principal& who) {
  if (!who.CanWrite()) return Status::Forbidden(who.user + " may only read");
  auto object = ctx.store.Get(Kind::kLab, lab);
  LABCTL_RETURN_IF_ERROR(object);
  LABCTL_RETURN_IF_ERROR(ctx.resources.CheckLabHolder(*object, who));
  // A spare is handed to its first Session without a reset (reconcilers/lab/lab_handover.h).
  const std::string pool = api::PoolTemplateOf(*object);
  if (!pool.empty() && api::LabHolder(*object).empty())
    return Status::Conflict("lab " + lab + " is a spare of the warm pool of lab " + pool +
                            ", kept untouched for the next Session: hold it through a Session "
                            "(labctl session run --lab " +
                            pool + ")");
  if (action == "exec") return api::CheckHostAccess(*object, who.host_access);
  return Status::Ok();
}

Status NotImplemented() {
  return Status(static_cast<api::Code>(501), "NotImplemented",
                "lab exec, logs, capture, inspect and reset are not available in this labd");
}

void SendStream(httplib::Response& res, LabActions::Stream stream) {
  auto produce = std::move(stream.produce);
  res.set_chunked_content_provider(stream.content_type, [produce](size_t, httplib::DataSink& sink) {
    Status st = produce([&sink](std::string_view chunk) {
      return chunk.empty() || sink.write(chunk.data(), chunk.size());
    });
    if (!st.ok()) spdlog::warn("lab stream ended with error=\"{}\"", st.ToString());
    sink.done();
    return true;
  });
}

void HandleLabAction(const httplib::Request& req, httplib::Response& res, ServerContext& ctx) {
  if (!ctx.lab_actions) return SendStatus(res, NotImplemented());
  auto who = CallerOf(req, ctx.options.auth);
  if (!who.ok()) return SendStatus(res, who.status());
  const std::string lab = req.matches[1];
  const std::string action = req.matches[2];
  if (action != "logs" && action != "inspect") {
    Status access = CheckLabAccess(ctx, lab, action, *who);
    if (!access.ok()) return SendStatus(res, access);
  }
  if (action == "reset") {
    auto result = ctx.lab_actions->Reset(lab, *who);
    if (!result.ok()) return SendStatus(res, result.status());
    return SendJson(res, 200, *result);
  }
  LabActions::Params params;
  for (const auto& [key, value] : req.params) params[key] = value;
  if (action == "inspect") {
    auto result = ctx.lab_actions->Inspect(lab, params, *who);
    if (!result.ok()) return SendStatus(res, result.status());
    return SendJson(res, 200, *result);
  }
  if (action == "exec") {
    auto body = api::ParseJsonOrYaml(req.body.empty() ? "{}" : req.body);
    if (!body.ok()) return SendStatus(res, body.status());
    if (req.get_param_value("stream") == "true") {
      auto stream = ctx.lab_actions->ExecStream(lab, *body, *who);
      if (!stream.ok()) return SendStatus(res, stream.status());
      return SendStream(res, std::move(*stream));
    }
    auto result = ctx.lab_actions->Exec(lab, *body, *who);
    if (!result.ok()) return SendStatus(res, result.status());
    return SendJson(res, 200, *result);
  }
  auto stream = action == "logs" ? ctx.lab_actions->Logs(lab, params, *who)
                                 : ctx.lab_actions->Capture(lab, params, *who);
  if (!stream.ok()) return SendStatus(res, stream.status());
  SendStream(res, std::move(*stream));
}

// POST .../labs/{name}/exec/{id}/stdin: the body is read as it arrives and fed to the command.
void HandleExecStdin(const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader& reader, ServerContext& ctx) {
  bool reading = false;
  auto body = [&](const LabActions::ByteSink& sink) {
    reading = true;
    return reader([&](const char* data, size_t n) { return sink(std::string_view(data, n)); });
  };
  Status st = Status::Ok();
  auto who = CallerOf(req, ctx.options.auth);
  if (!ctx.lab_actions) st = NotImplemented();
  if (st.ok() && !who.ok()) st = who.status();
  if (st.ok()) st = CheckLabAccess(ctx, req.matches[1], "exec", *who);
  if (st.ok()) st = ctx.lab_actions->ExecStdin(req.matches[1], req.matches[2], body, *who);
  // Refused before reading: drain the body, so the client (still sending) gets the answer.
  if (!st.ok() && !reading) reader([](const char*, size_t) { return true; });
  if (!st.ok()) return SendStatus(res, st);
  res.status = 204;
}

}  // namespace

void MountSessionActionRoutes(httplib::Server& http, ServerContext& ctx) {
  auto fallback = std::make_shared<StoreSessionActions>(ctx);
  http.Post(std::string(kApiPathPattern) + "/sessions/([^/]+)/(heartbeat|release)",
            [&ctx, fallback](const httplib::Request& req, httplib::Response& res) {
              HandleSessionAction(req, res, ctx, *fallback);
            });
}

void MountLabActionRoutes(httplib::Server& http, ServerContext& ctx) {
  auto handler = [&ctx](const httplib::Request& req, httplib::Response& res) {
    HandleLabAction(req, res, ctx);
  };
  const std::string labs = std::string(kApiPathPattern) + "/labs/([^/]+)/";
  http.Post(labs + "(exec|reset)", handler);
  http.Post(labs + "exec/([^/]+)/stdin", [&ctx](const httplib::Request& req, httplib::Response& res,
                                                const httplib::ContentReader& reader) {
    HandleExecStdin(req, res, reader, ctx);
  });
  http.Get(labs + "(logs|capture|inspect)", handler);
}

}  // namespace labctl::server
