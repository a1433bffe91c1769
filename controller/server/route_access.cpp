#include "controller/server/route_access.h"

#include <algorithm>
#include <array>

#include "api/object.h"

namespace labctl::server {
namespace {

// Probes and version checks.
constexpr std::array<std::string_view, 3> kAlwaysPublic = {"/healthz", "/readyz", "/version"};

// POST /apis/labctl.dev/v1alpha1/labs/{name}/exec/{id}/stdin, as the route pattern matches it.
bool IsExecStdin(std::string_view method, std::string_view path) {
  constexpr std::string_view kLabs = "/labs/";
  if (method != "POST" || !path.starts_with(api::kApiPrefix)) return false;
  path.remove_prefix(std::string_view(api::kApiPrefix).size());
  if (!path.starts_with(kLabs)) return false;
  path.remove_prefix(kLabs.size());
  std::array<std::string_view, 4> parts;  // name, "exec", id, "stdin"
  for (size_t i = 0; i < parts.size(); ++i) {
    size_t slash = path.find('/');
    if ((slash == std::string_view::npos) != (i + 1 == parts.size())) return false;
    parts[i] = path.substr(0, slash);
    if (parts[i].empty()) return false;
    path.remove_prefix(slash == std::string_view::npos ? path.size() : slash + 1);
  }
  return parts[1] == "exec" && parts[3] == "stdin";
}

}  // namespace

RouteAccess AccessOf(std::string_view method, std::string_view path,
                     const std::vector<std::string>& public_paths) {
  if (std::find(kAlwaysPublic.begin(), kAlwaysPublic.end(), path) != kAlwaysPublic.end() ||
      std::find(public_paths.begin(), public_paths.end(), path) != public_paths.end())
    return RouteAccess::kPublic;
  if (IsExecStdin(method, path)) return RouteAccess::kTokenCheckedByHandler;
  return RouteAccess::kToken;
}

}  // namespace labctl::server
