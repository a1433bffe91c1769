#include "controller/server/neops/neops_wire.h"

#include <algorithm>
#include <regex>

namespace labctl::server {

api::json NeopsDetail(const std::string& message) { return {{"detail", message}}; }

api::json NeopsMissing(const std::string& where, const std::string& field) {
  return {{"detail", api::json::array({{{"loc", {where, field}},
                                        {"msg", "field required"},
                                        {"type", "value_error.missing"}}})}};
}

NeopsRouteTable::NeopsRouteTable(std::string prefix) : prefix_(std::move(prefix)) {}

void NeopsRouteTable::Add(const std::string& method, const std::string& pattern) {
  for (auto& r : routes_) {
    if (r.pattern != pattern) continue;
    if (std::find(r.methods.begin(), r.methods.end(), method) == r.methods.end())
      r.methods.push_back(method);
    return;
  }
  routes_.push_back({pattern, {method}});
}

std::string NeopsRouteTable::AllowedOn(const std::string& path) const {
  std::string allowed;
  for (const auto& r : routes_) {
    if (!std::regex_match(path, std::regex(r.pattern))) continue;
    for (const auto& m : r.methods) allowed += (allowed.empty() ? "" : ", ") + m;
  }
  return allowed;
}

bool NeopsRouteTable::Owns(const std::string& path) const {
  if (!prefix_.empty()) return path == prefix_ || path.rfind(prefix_ + "/", 0) == 0;
  return path != "/apis" && path.rfind("/apis/", 0) != 0;
}

}  // namespace labctl::server
