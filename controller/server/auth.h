// Auth: bearer tokens for labd's API.
//
// A tokens file holds lines `token,user[,group...]` (blank lines and `#` comments allowed).
// With a tokens file, a request must carry `Authorization: Bearer <token>` of a listed token and
// is served as that user and groups. Without one, every request is user "anonymous" in group
// "admin" (labd then only listens on loopback). Group "admin" may do everything; group
// "readonly" may only read. Immutable after construction, so safe to share between threads.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "api/status.h"

namespace labctl::server {

inline constexpr char kAdminGroup[] = "admin";
inline constexpr char kReadOnlyGroup[] = "readonly";

// Who is calling.
struct Principal {
  std::string user;
  std::vector<std::string> groups;

  // Inline, like the rest of Principal: the action implementations below the server (reconcilers)
  // use it without linking the server.
  bool InGroup(std::string_view group) const {
    return std::find(groups.begin(), groups.end(), group) != groups.end();
  }
  bool IsAdmin() const { return InGroup(kAdminGroup); }
  // Admins write; members of "readonly" (and not admin) may only read.
  bool CanWrite() const { return IsAdmin() || !InGroup(kReadOnlyGroup); }
  // The owner of an object, or an admin.
  bool MayActFor(std::string_view owner) const {
    return IsAdmin() || owner.empty() || owner == user;
  }
};

class Auth {
 public:
  // No tokens: everybody is anonymous/admin.
  Auth() = default;
  // Parses tokens-file text; BadRequest naming the line on a malformed line or duplicate token.
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
