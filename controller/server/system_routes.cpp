// Routes outside the resource API: probes, version, metrics and the OpenAPI document.
#include "controller/server/server_context.h"

#if __has_include("api/openapi.h")
#include "api/openapi.h"
#define LABCTL_HAVE_OPENAPI 1
#endif

namespace labctl::server {

void MountSystemRoutes(httplib::Server& http, ServerContext& ctx) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  http.Get("/healthz", [](Req, Res res) { res.set_content("ok", "text/plain"); });
  http.Get("/readyz", [&ctx](Req, Res res) {
    if (ctx.ready) return res.set_content("ok", "text/plain");
    SendStatus(res, api::Status::Unavailable("labd is starting or stopping"));
  });
  http.Get("/version", [&ctx](Req, Res res) {
    nlohmann::json v = {{"version", ctx.options.version}, {"apiVersion", api::kApiVersion}};
    if (!ctx.options.git_commit.empty()) v["gitCommit"] = ctx.options.git_commit;
    if (!ctx.options.instance.empty()) v["instance"] = ctx.options.instance;
    SendJson(res, 200, v);
  });
  http.Get("/metrics",
           [&ctx](Req, Res res) { res.set_content(Metrics::Render(), metrics::kContentType); });
  http.Get("/openapi.json", [](Req, Res res) {
#ifdef LABCTL_HAVE_OPENAPI
    SendJson(res, 200, api::OpenApiDocument());
#else
    SendStatus(res, api::Status(static_cast<api::Code>(501), "NotImplemented",
                                "this build has no OpenAPI document"));
#endif
  });
}

}  // namespace labctl::server
