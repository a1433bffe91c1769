#include "reconcilers/providers/containerlab/mgmt_plan.h"

#include <set>
#include <vector>

#include "api/field_errors.h"

namespace labctl::clab {
namespace {

// `base` + n, carrying across bytes (network byte order).
api::IpAddress Plus(api::IpAddress base, uint64_t n) {
  int last = base.BitLength() / 8 - 1;
  for (int i = last; i >= 0 && n > 0; --i) {
    uint64_t sum = base.bytes[i] + (n & 0xff);
    base.bytes[i] = static_cast<uint8_t>(sum & 0xff);
    n = (n >> 8) + (sum >> 8);
  }
  return base;
}

struct Family {
  const char* field;  // mgmt-ipv4 / mgmt-ipv6
  std::optional<api::Cidr> subnet, range;
  std::optional<api::IpAddress> gateway;
};

// Checks the static addresses of one family and hands out the rest.
void PlanFamily(const Topology& topo, const Family& fam, bool v4, MgmtPlan& plan,
                api::FieldErrors& errs) {
  if (!fam.subnet) return;
  api::IpAddress gateway = fam.gateway.value_or(Plus(fam.subnet->Network(), 1));
  (v4 ? plan.ipv4_gateway : plan.ipv6_gateway) = gateway;
  std::set<std::string> taken = {gateway.ToString()};
  std::map<std::string, std::string> static_owner;
  for (const auto& [name, node] : topo.nodes) {
    if (!node.OnMgmtNetwork()) continue;
    const auto& ip = v4 ? node.mgmt_ipv4 : node.mgmt_ipv6;
    if (!ip) continue;
    std::string field = api::Child(api::Child("topology.nodes", name), fam.field);
    std::string text = ip->ToString();
    if (!fam.subnet->Contains(*ip) || api::IsReservedInSubnet(*fam.subnet, *ip)) {
      errs.Add(field, text + " is not a host address of the management subnet " +
                          fam.subnet->NetworkString());
    } else if (*ip == gateway) {
      errs.Add(field, text + " is the management network's gateway");
    } else if (auto [it, fresh] = static_owner.emplace(text, name); !fresh) {
      errs.Add(field, text + " is already the address of node " + it->second);
    }
    taken.insert(text);
    auto& entry = plan.nodes[name];
    (v4 ? entry.ipv4 : entry.ipv6) = *ip;
    (v4 ? entry.ipv4_static : entry.ipv6_static) = true;
  }
  const api::Cidr& pool = fam.range.value_or(*fam.subnet);
  uint64_t offset = pool.Network() == fam.subnet->Network() ? 1 : 0;
  for (const auto& [name, node] : topo.nodes) {
    if (!node.OnMgmtNetwork() || (v4 ? node.mgmt_ipv4 : node.mgmt_ipv6)) continue;
    std::optional<api::IpAddress> found;
    for (;; ++offset) {
      api::IpAddress candidate = Plus(pool.Network(), offset);
      if (!pool.Contains(candidate) || (v4 && offset > (1u << 24))) break;
      if (api::IsReservedInSubnet(*fam.subnet, candidate) || taken.count(candidate.ToString()))
        continue;
      found = candidate;
      ++offset;
      break;
    }
    if (!found) {
      errs.Add(api::Child(api::Child("topology.nodes", name), fam.field),
               "no free address left in " + pool.NetworkString());
      return;
    }
    (v4 ? plan.nodes[name].ipv4 : plan.nodes[name].ipv6) = *found;
  }
}

}  // namespace

api::Result<MgmtPlan> PlanMgmtAddresses(const Topology& topo) {
  MgmtPlan plan;
  for (const auto& [name, node] : topo.nodes)
    if (node.OnMgmtNetwork()) plan.nodes[name];
  api::FieldErrors errs;
  const Mgmt& m = topo.mgmt;
  PlanFamily(topo, {"mgmt-ipv4", m.ipv4_subnet, m.ipv4_range, m.ipv4_gw}, true, plan, errs);
  PlanFamily(topo, {"mgmt-ipv6", m.ipv6_subnet, m.ipv6_range, m.ipv6_gw}, false, plan, errs);
  for (const auto& [name, node] : topo.nodes) {
    std::string path = api::Child("topology.nodes", name);
    if (node.OnMgmtNetwork() && node.mgmt_ipv4 && !m.ipv4_subnet)
      errs.Add(api::Child(path, "mgmt-ipv4"), "the management network has no IPv4 subnet");
    if (node.OnMgmtNetwork() && node.mgmt_ipv6 && !m.ipv6_subnet)
      errs.Add(api::Child(path, "mgmt-ipv6"), "the management network has no IPv6 subnet");
  }
  if (!errs.empty()) return api::Status::Invalid("invalid management addresses", errs.causes());
  return plan;
}

}  // namespace labctl::clab
