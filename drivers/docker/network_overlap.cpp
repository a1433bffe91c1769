#include "drivers/docker/network_overlap.h"

#include "api/ip.h"

namespace labctl::docker {

std::string OverlappingNetworks(const std::vector<NetworkInfo>& existing, const NetworkSpec& spec) {
  std::vector<api::Cidr> wanted;
  for (const std::string& s : {spec.subnet, spec.ipv6_subnet})
    if (auto c = api::ParseCidr(s)) wanted.push_back(*c);
  std::string out;
  for (const auto& n : existing) {
    if (n.name == spec.name) continue;
    for (const auto& s : n.subnets) {
      auto c = api::ParseCidr(s);
      if (!c) continue;
      bool overlaps = false;
      for (const auto& w : wanted) overlaps = overlaps || w.Overlaps(*c);
      if (overlaps) out += (out.empty() ? "" : ", ") + n.name + " (" + s + ")";
    }
  }
  return out;
}

bool IsPoolOverlap(const api::Status& st) {
  return !st.ok() && st.message().find("overlaps with other one") != std::string::npos;
}

}  // namespace labctl::docker
