// Principal: who is calling labd — a user, its groups, and what its Labs may ask of the host.
//
// Group "admin" may do everything the API offers (act on any Session or held Lab, write
// status); group "readonly" (and not admin) may only read. Host access (binds, privileged,
// capabilities beyond the safe set, ...) is a separate grant, never implied by a group
// (api/host_access_policy.h). Built by the server's Auth from the tokens file; used by the
// server and by the action implementations below it. Plain value, header-only.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "api/host_access_policy.h"

namespace labctl::api {

inline constexpr char kAdminGroup[] = "admin";
inline constexpr char kReadOnlyGroup[] = "readonly";

struct Principal {
  std::string user;
  std::vector<std::string> groups;
  HostAccessGrant host_access;

  bool InGroup(std::string_view group) const {
    return std::find(groups.begin(), groups.end(), group) != groups.end();
  }
  bool IsAdmin() const { return InGroup(kAdminGroup); }
  // Admins write; members of "readonly" (and not admin) may only read.
  bool CanWrite() const { return IsAdmin() || !InGroup(kReadOnlyGroup); }
  // The owner of an object, or an admin. An empty owner (an object from before owners were
  // recorded) is everybody's.
  bool MayActFor(std::string_view owner) const {
    return IsAdmin() || owner.empty() || owner == user;
  }
};

}  // namespace labctl::api
