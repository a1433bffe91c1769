// The dashboard: its files under /ui/ (compiled in, see embedded_files.h), the caller's identity
// (GET .../whoami, so the page shows write buttons only to callers who may write) and a lab's
// topology picture (GET .../labs/NAME/graph?format=svg|dot|mermaid, drawn by labctl_graph).
//
// The files are public: they hold no data, and a browser cannot attach a bearer token when it
// navigates. Everything the page shows comes from API requests, which carry the token the page
// keeps in sessionStorage and are authenticated like every other API request.
#include "controller/server/embedded_files.h"
#include "controller/server/server_context.h"
#include "graph/lab_graph.h"

namespace labctl::server {
namespace {

using Req = const httplib::Request&;
using Res = httplib::Response&;

constexpr char kUiRoot[] = "/ui/";

std::string_view ContentTypeOf(std::string_view name) {
  struct Type {
    std::string_view extension, content_type;
  };
  static constexpr Type kTypes[] = {{".html", "text/html; charset=utf-8"},
                                    {".css", "text/css; charset=utf-8"},
                                    {".js", "text/javascript; charset=utf-8"},
                                    {".svg", "image/svg+xml"},
                                    {".png", "image/png"}};
  for (const auto& t : kTypes)
    if (name.ends_with(t.extension)) return t.content_type;
  return "application/octet-stream";
}

const EmbeddedFile* FindAsset(std::string_view name) {
  for (const auto& file : UiAssetFiles())
    if (file.name == name) return &file;
  return nullptr;
}

void ServeAsset(Req req, Res res) {
  std::string name = req.matches[1];
  const EmbeddedFile* file = FindAsset(name.empty() ? "index.html" : name);
  if (!file) return SendStatus(res, api::Status::NotFound("no dashboard file " + req.path));
  // Scripts only from labd itself, no inline code, no framing: data shown by the page (names,
  // messages) can never run as code.
  res.set_header("Content-Security-Policy",
                 "default-src 'self'; img-src 'self' data:; object-src 'none'; "
                 "base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  // A labd upgrade brings new files: revalidate instead of running a stale script.
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::string(file->bytes), std::string(ContentTypeOf(file->name)));
}

void HandleWhoAmI(Req req, Res res, ServerContext& ctx) {
  auto who = CallerOf(req, ctx.options.auth);
  if (!who.ok()) return SendStatus(res, who.status());
  SendJson(res, 200,
           {{"user", who->user},
            {"groups", who->groups},
            {"admin", who->IsAdmin()},
            {"canWrite", who->CanWrite()}});
}

std::string GraphContentType(graph::GraphFormat format) {
  switch (format) {
    case graph::GraphFormat::kSvg:
      return "image/svg+xml";
    case graph::GraphFormat::kDot:
      return "text/vnd.graphviz; charset=utf-8";
    case graph::GraphFormat::kMermaid:
      break;
  }
  return "text/plain; charset=utf-8";
}

void HandleGraph(Req req, Res res, ServerContext& ctx) {
  std::string name = Param(req, "format");
  auto format = graph::ParseGraphFormat(name.empty() ? "svg" : name);
  if (!format) {
    return SendStatus(
        res, api::Status::BadRequest("format must be svg, dot or mermaid, got \"" + name + "\""));
  }
  auto lab = ctx.store.Get(api::Kind::kLab, req.matches[1]);
  if (!lab.ok()) return SendStatus(res, lab.status());
  auto picture = graph::RenderLabGraph(*lab, *format);
  if (!picture.ok()) return SendStatus(res, picture.status());
  res.set_header("Cache-Control", "no-cache");
  res.set_content(std::move(*picture), GraphContentType(*format));
}

}  // namespace

std::vector<std::string> DashboardPublicPaths() {
  std::vector<std::string> paths = {"/ui", kUiRoot};
  for (const auto& file : UiAssetFiles()) paths.push_back(kUiRoot + std::string(file.name));
  return paths;
}

void MountDashboardRoutes(httplib::Server& http, ServerContext& ctx) {
  http.Get("/ui", [](Req, Res res) { res.set_redirect(kUiRoot, 301); });
  http.Get(R"(/ui/([A-Za-z0-9_.-]*))", ServeAsset);
  http.Get(std::string(kApiPathPattern) + "/whoami",
           [&ctx](Req req, Res res) { HandleWhoAmI(req, res, ctx); });
  http.Get(std::string(kApiPathPattern) + "/labs/([^/]+)/graph",
           [&ctx](Req req, Res res) { HandleGraph(req, res, ctx); });
}

}  // namespace labctl::server
