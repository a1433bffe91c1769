// Auth: bearer tokens for labd's API.
//
// A tokens file holds lines `token,user[,group...][,key=value...]` (blank lines and `#` comments
// allowed); the key=value fields grant host access (api/host_access_policy.h, docs/security.md).
// With a tokens file, a request must carry `Authorization: Bearer <token>` of a listed token and
// is served as that user, groups and grant. Without one, every request is user "anonymous" in
// group "admin" with every host-access grant (labd then only listens on loopback). Immutable
// after construction, so safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

#include "api/principal.h"
#include "api/status.h"

namespace labctl::server {

// The server's code names it unqualified.
using api::Principal;

class Auth {
 public:
  // No tokens: everybody is anonymous/admin.
  Auth() = default;
  // Parses tokens-file text; BadRequest naming the line on a malformed line, an unknown or bad
  // grant, or a duplicate token.
  static api::Result<Auth> Parse(const std::string& text);
  // Reads and parses a tokens file.
  static api::Result<Auth> LoadFile(const std::string& path);

  bool enabled() const { return enabled_; }
  size_t token_count() const { return tokens_.size(); }
  // `authorization` is the Authorization header value ("" when absent). Unauthorized when tokens
  // are enabled and it is missing, not a bearer token, or unknown.
  api::Result<Principal> Authenticate(std::string_view authorization) const;

 private:
  bool enabled_ = false;
  std::unordered_map<std::string, Principal> tokens_;
};

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(std::string_view host);

}  // namespace labctl::server
