// RouteAccess: which authentication check labd's HTTP gate makes before routing a request,
// decided per route from its method and whole path — never from a prefix or suffix alone, so
// that no object name (a Lab named "stdin") can change it. No httplib here: the connection gate
// calls it with what it parsed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace labctl::server {

enum class RouteAccess {
  kPublic,  // no token needed: GET /healthz, /readyz, /version and the paths registered public
  kToken,   // the gate answers 401 without a valid bearer token
  // POST .../labs/{name}/exec/{id}/stdin, a streamed upload: its handler authenticates, and
  // drains the body before refusing (a refusal sent with the body unread can be lost when the
  // connection closes under the still-sending client).
  kTokenCheckedByHandler,
};

// `public_paths`: exact paths served without a token (ApiServer::AddPublicPath).
RouteAccess AccessOf(std::string_view method, std::string_view path,
                     const std::vector<std::string>& public_paths);

}  // namespace labctl::server
