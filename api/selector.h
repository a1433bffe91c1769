// Label selectors, as kubectl's -l and the API's ?labelSelector=: comma-separated requirements
// `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a,b)`, `k` (exists), `!k` (does not exist).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"

namespace labctl::api {

struct Requirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist } op = Op::kEquals;
  std::string key;
  std::vector<std::string> values;
};

// An empty selector matches everything.
struct Selector {
  std::vector<Requirement> requirements;
  bool Empty() const { return requirements.empty(); }
  // `labels` is metadata.labels (an object, or null).
  bool Matches(const nlohmann::json& labels) const;
  std::string ToString() const;
};

// BadRequest naming the offending requirement on a syntax error.
Result<Selector> ParseSelector(std::string_view text);

}  // namespace labctl::api
