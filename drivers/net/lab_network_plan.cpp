#include "drivers/net/lab_network_plan.h"

namespace labctl::net {

api::Result<std::vector<api::IpAddress>> DefaultGateways(const api::LabSpec& spec,
                                                         const api::LabNodeSpec& node) {
  const std::string& gw_name = node.default_gateway;
  if (gw_name.empty()) return std::vector<api::IpAddress>{};
  const api::LabNodeSpec* gw = spec.FindNode(gw_name);
  if (!gw) return api::Status::Invalid("defaultGateway names a missing node", {});
  for (const auto& iface : node.interfaces) {
    const api::LabInterfaceSpec* gw_iface = gw->InterfaceOn(iface.network);
    if (!gw_iface) continue;
    std::vector<api::IpAddress> out;
    for (auto field : {&api::LabInterfaceSpec::ipv4, &api::LabInterfaceSpec::ipv6})
      if (!(iface.*field).empty())
        if (auto ip = api::ParseIp(gw_iface->*field)) out.push_back(*ip);
    return out;
  }
  return api::Status::Invalid(
      "node " + node.name + " shares no network with its defaultGateway " + gw_name, {});
}

std::vector<StaticRoute> StaticRoutes(const api::LabNodeSpec& node) {
  std::vector<StaticRoute> out;
  for (const auto& r : node.routes) {
    auto to = api::ParseCidr(r.to);
    auto via = api::ParseIp(r.via);
    if (to && via) out.push_back({*to, *via});
  }
  return out;
}

api::Result<std::optional<NatConfig>> NatFor(const api::LabSpec& spec,
                                             const api::LabNodeSpec& node) {
  if (!node.nat) return std::optional<NatConfig>();
  const api::NatSpec& nat = *node.nat;
  auto type = ParseNatType(nat.type);
  if (!type) return api::Status::Invalid("unknown NAT type " + nat.type, {});
  NatConfig config;
  config.type = *type;
  const api::LabInterfaceSpec* inside = node.InterfaceOn(nat.inside);
  const api::LabInterfaceSpec* outside = node.InterfaceOn(nat.outside);
  if (!inside || !outside)
    return api::Status::Invalid("NAT networks must be networks of the node", {});
  config.inside_if = inside->ifname;
  config.outside_if = outside->ifname;
  if (config.type == NatType::kFullCone) {
    for (const auto& other : spec.nodes) {
      if (other.default_gateway != node.name) continue;
      const api::LabInterfaceSpec* iface = other.InterfaceOn(nat.inside);
      if (!iface) continue;
      if (auto ip = api::ParseIpv4(iface->ipv4)) {
        config.inside_host = *ip;
        break;
      }
    }
    if (!config.inside_host)
      return api::Status::Invalid(
          "full-cone gateway " + node.name + " has no inside node using it as defaultGateway", {});
  }
  return std::optional<NatConfig>(config);
}

Impairment ImpairmentFrom(const std::optional<api::ImpairmentSpec>& spec) {
  Impairment imp;
  if (!spec) return imp;
  imp.delay_ms = spec->delay_ms;
  imp.jitter_ms = spec->jitter_ms;
  imp.loss_percent = spec->loss_percent;
  imp.rate_kbit = static_cast<long>(spec->rate_kbit);
  return imp;
}

std::vector<LinkPlan> Links(const api::LabSpec& spec) {
  std::vector<LinkPlan> out;
  for (const auto& link : spec.links) {
    LinkPlan plan;
    plan.index = link.index;
    plan.node_a = link.a.node;
    plan.ifname_a = link.a.ifname;
    plan.node_b = link.b.node;
    plan.ifname_b = link.b.ifname;
    for (const auto* addresses : {&link.ipv4, &link.ipv6}) {
      if (addresses->size() != 2) continue;
      if (auto a = api::ParseCidr((*addresses)[0])) plan.addresses_a.push_back(*a);
      if (auto b = api::ParseCidr((*addresses)[1])) plan.addresses_b.push_back(*b);
    }
    if (link.impairment) plan.impairment = ImpairmentFrom(link.impairment);
    out.push_back(plan);
  }
  return out;
}

}  // namespace labctl::net
