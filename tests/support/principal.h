// User: an api::Principal with a user name and groups, as a token of the tokens file gives it
// (no host-access grants), for tests that call actions directly.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "api/principal.h"

namespace labctl::testing {

inline api::Principal User(const std::string& name, std::vector<std::string> groups = {}) {
  api::Principal p;
  p.user = name;
  p.groups = std::move(groups);
  return p;
}

}  // namespace labctl::testing
