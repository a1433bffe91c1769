// Routes for the object collections: list (and watch), get, create, replace, merge patch,
// delete, and the status subresource.
#include <charconv>

#include "api/selector.h"
#include "api/yaml.h"
#include "controller/server/server_context.h"
#include "reconcilers/session/session_index.h"

namespace labctl::server {
namespace {

using api::json;
using api::Kind;
using api::Status;

const std::string kCollection = std::string(kApiPathPattern) + "/(labs|sessions|events|hosts)";
const std::string kItem = kCollection + "/([^/]+)";
const std::string kItemStatus = kItem + "/status";

api::Result<json> ParseBody(const httplib::Request& req) {
  if (req.body.empty()) return Status::BadRequest("the request body is empty");
  return api::ParseJsonOrYaml(req.body);
}

bool IsMergePatchType(const std::string& content_type) {
  std::string type = content_type.substr(0, content_type.find(';'));
  return type.empty() || type == "application/merge-patch+json" || type == "application/json" ||
         type == "application/yaml" || type == "application/x-yaml" || type == "text/yaml";
}

// Runs `op` as the authenticated caller and answers with its result (`ok_code` on success).
template <class Op>
void Answer(const httplib::Request& req, httplib::Response& res, ServerContext& ctx, int ok_code,
            Op op) {
  auto who = CallerOf(req, ctx.options.auth);
  if (!who.ok()) return SendStatus(res, who.status());
  api::Result<json> result = op(*who);
  if (!result.ok()) return SendStatus(res, result.status());
  reconcilers::FillQueuePosition(ctx.store, *result);
  SendJson(res, ok_code, *result);
}

api::Result<size_t> ParseLimit(const std::string& text) {
  if (text.empty()) return size_t{0};
  size_t limit = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), limit);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return Status::BadRequest("limit must be a non-negative integer, got \"" + text + "\"");
  }
  return limit;
}

void HandleList(const httplib::Request& req, httplib::Response& res, ServerContext& ctx) {
  Kind kind = KindOfPlural(req.matches[1]);
  if (req.has_param("watch") && BoolParam(req, "watch")) return ServeWatch(req, res, ctx, kind);
  auto selector = api::ParseSelector(Param(req, "labelSelector"));
  if (!selector.ok()) return SendStatus(res, selector.status());
  auto limit = ParseLimit(Param(req, "limit"));
  if (!limit.ok()) return SendStatus(res, limit.status());
  store::ListResult list = ctx.store.List(kind, *selector, *limit);
  json body = {{"apiVersion", api::kApiVersion},
               {"kind", std::string(api::KindName(kind)) + "List"},
               {"metadata", {{"resourceVersion", std::to_string(list.revision)}}},
               {"items", json::array()}};
  json& items = body["items"];
  if (kind == Kind::kSession) reconcilers::FillQueuePositions(ctx.store, list.items);
  for (auto& item : list.items) items.push_back(std::move(item));
  SendJson(res, 200, body);
}

void HandleGet(const httplib::Request& req, httplib::Response& res, ServerContext& ctx) {
  auto object = ctx.store.Get(KindOfPlural(req.matches[1]), req.matches[2]);
  if (!object.ok()) return SendStatus(res, object.status());
  reconcilers::FillQueuePosition(ctx.store, *object);
  SendJson(res, 200, *object);
}

void HandleCreate(const httplib::Request& req, httplib::Response& res, ServerContext& ctx) {
  Answer(req, res, ctx, 201, [&](const Principal& who) -> api::Result<json> {
    auto body = ParseBody(req);
    LABCTL_RETURN_IF_ERROR(body);
    return ctx.resources.Create(KindOfPlural(req.matches[1]), std::move(*body), who);
  });
}

void HandleReplace(const httplib::Request& req, httplib::Response& res, ServerContext& ctx,
                   bool status) {
  Answer(req, res, ctx, 200, [&](const Principal& who) -> api::Result<json> {
    auto body = ParseBody(req);
    LABCTL_RETURN_IF_ERROR(body);
    Kind kind = KindOfPlural(req.matches[1]);
    if (status) return ctx.resources.ReplaceStatus(kind, req.matches[2], std::move(*body), who);
    return ctx.resources.Replace(kind, req.matches[2], std::move(*body), who);
  });
}

void HandlePatch(const httplib::Request& req, httplib::Response& res, ServerContext& ctx,
                 bool status) {
  if (!IsMergePatchType(req.get_header_value("Content-Type"))) {
    return SendStatus(res, Status(static_cast<api::Code>(415), "UnsupportedMediaType",
                                  "only JSON merge patch (application/merge-patch+json) is "
                                  "supported, got " +
                                      req.get_header_value("Content-Type")));
  }
  Answer(req, res, ctx, 200, [&](const Principal& who) -> api::Result<json> {
    auto patch = ParseBody(req);
    LABCTL_RETURN_IF_ERROR(patch);
    Kind kind = KindOfPlural(req.matches[1]);
    if (status) return ctx.resources.MergePatchStatus(kind, req.matches[2], *patch, who);
    return ctx.resources.MergePatch(kind, req.matches[2], *patch, who);
  });
}

// Optional body: {"preconditions": {"uid": "..."}} as Kubernetes DeleteOptions.
api::Result<std::optional<std::string>> DeletePrecondition(const httplib::Request& req) {
  if (req.body.empty()) return std::optional<std::string>();
  auto body = api::ParseJsonOrYaml(req.body);
  LABCTL_RETURN_IF_ERROR(body);
  const json uid = body->value("/preconditions/uid"_json_pointer, json());
  if (uid.is_string()) return std::optional<std::string>(uid.get<std::string>());
  return std::optional<std::string>();
}

void HandleDelete(const httplib::Request& req, httplib::Response& res, ServerContext& ctx) {
  Answer(req, res, ctx, 200, [&](const Principal& who) -> api::Result<json> {
    auto uid = DeletePrecondition(req);
    LABCTL_RETURN_IF_ERROR(uid);
    return ctx.resources.Delete(KindOfPlural(req.matches[1]), req.matches[2], *uid, who);
  });
}

}  // namespace

Kind KindOfPlural(const std::string& plural) {
  if (plural == "labs") return Kind::kLab;
  if (plural == "sessions") return Kind::kSession;
  if (plural == "hosts") return Kind::kHost;
  return Kind::kEvent;
}

void MountResourceRoutes(httplib::Server& http, ServerContext& ctx) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  http.Get(kCollection, [&ctx](Req req, Res res) { HandleList(req, res, ctx); });
  http.Post(kCollection, [&ctx](Req req, Res res) { HandleCreate(req, res, ctx); });
  http.Get(kItem, [&ctx](Req req, Res res) { HandleGet(req, res, ctx); });
  http.Put(kItem, [&ctx](Req req, Res res) { HandleReplace(req, res, ctx, false); });
  http.Patch(kItem, [&ctx](Req req, Res res) { HandlePatch(req, res, ctx, false); });
  http.Delete(kItem, [&ctx](Req req, Res res) { HandleDelete(req, res, ctx); });
  http.Get(kItemStatus, [&ctx](Req req, Res res) { HandleGet(req, res, ctx); });
  http.Put(kItemStatus, [&ctx](Req req, Res res) { HandleReplace(req, res, ctx, true); });
  http.Patch(kItemStatus, [&ctx](Req req, Res res) { HandlePatch(req, res, ctx, true); });
}

}  // namespace labctl::server
