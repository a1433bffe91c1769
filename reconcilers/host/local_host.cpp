#include "reconcilers/host/local_host.h"

#include <cstdlib>

#include "api/host_spec.h"

namespace labctl::reconcilers {

using api::json;

api::Status EnsureLocalHost(store::Store& store, const std::string& endpoint) {
  std::string url = endpoint;
  if (url.empty()) {
    const char* env = std::getenv("DOCKER_HOST");
    url = env && *env ? env : "unix:///var/run/docker.sock";
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto current = store.Get(api::Kind::kHost, api::kLocalHost);
    if (current.ok() && api::ReadHostSpec(*current).endpoint == url) return api::Status::Ok();
    api::Result<json> written = api::Status::Internal("unset");
    if (current.ok()) {
      json updated = *current;
      updated["spec"]["endpoint"] = url;
      updated["spec"].erase("tls");
      written = store.Update(api::Kind::kHost, std::move(updated));
    } else if (current.status().code() == api::Code::kNotFound) {
      written =
          store.Create(api::Kind::kHost,
                       {{"apiVersion", api::kApiVersion},
                        {"kind", "Host"},
                        {"metadata",
                         {{"name", api::kLocalHost},
                          {"annotations", {{api::kImplicitHostAnnotation, "labd --docker-host"}}}}},
                        {"spec", {{"endpoint", url}}}});
    } else {
      return current.status();
    }
    if (written.ok()) return api::Status::Ok();
    if (written.status().code() != api::Code::kConflict) return written.status();
  }
  return api::Status::Conflict("host local: kept changing while labd set its endpoint");
}

}  // namespace labctl::reconcilers
