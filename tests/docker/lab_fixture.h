// Shared fixture pieces for the Docker lab tests: Lab manifests built in code.
#pragma once

#include <memory>
#include <string>

#include "api/object.h"
#include "api/validation.h"
#include "store/store.h"
#include "support/labd_process.h"

namespace labctl::testing {

inline api::json Node(const std::string& name,
                      const std::vector<std::pair<std::string, std::string>>& ifaces,
                      api::json extra = api::json::object()) {
  api::json n = {{"name", name}, {"image", "labbox:latest"}, {"capAdd", {"NET_ADMIN"}}};
  api::json list = api::json::array();
  for (const auto& [net, ip] : ifaces) list.push_back({{"network", net}, {"ipv4", ip}});
  n["interfaces"] = list;
  for (auto it = extra.begin(); it != extra.end(); ++it) n[it.key()] = *it;
  return n;
}

// A lab with networks `a` (10.<x>.1.0/24) and `b` (10.<x>.2.0/24).
inline api::json TwoNetLab(const std::string& name, int x, api::json nodes,
                           const std::string& run_policy = "Always") {
  std::string p = "10." + std::to_string(x) + ".";
  api::json lab = {
      {"apiVersion", api::kApiVersion},
      {"kind", "Lab"},
      {"metadata", {{"name", name}}},
      {"spec",
       {{"provider", "docker"},
        {"runPolicy", run_policy},
        {"networks",
         {{{"name", "a"}, {"subnet", p + "1.0/24"}}, {{"name", "b"}, {"subnet", p + "2.0/24"}}}},
        {"nodes", nodes}}}};
  api::DefaultLab(lab);
  return lab;
}

}  // namespace labctl::testing
