#include "drivers/net/lab_network_plan.h"

namespace labctl::net {
namespace {

std::string Str(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

const json& Array(const json& j, const char* key) {
  static const json kEmpty = json::array();
  return j.is_object() && j.contains(key) && j[key].is_array() ? j[key] : kEmpty;
}

const json* InterfaceJson(const json& node, const std::string& network) {
  for (const auto& iface : Array(node, "interfaces"))
    if (Str(iface, "network") == network) return &iface;
  return nullptr;
}

double Num(const json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0;
}

// "r1:eth1" -> {"r1", "eth1"}
std::pair<std::string, std::string> SplitEndpoint(const std::string& endpoint) {
  size_t colon = endpoint.find(':');
  if (colon == std::string::npos) return {endpoint, ""};
  return {endpoint.substr(0, colon), endpoint.substr(colon + 1)};
}

}  // namespace

const json* FindNode(const json& spec, const std::string& name) {
  for (const auto& node : Array(spec, "nodes"))
    if (Str(node, "name") == name) return &node;
  return nullptr;
}

std::vector<std::string> InterfaceNames(const json& node) {
  std::vector<std::string> names;
  const json& ifaces = Array(node, "interfaces");
  for (size_t i = 0; i < ifaces.size(); ++i) {
    std::string n = Str(ifaces[i], "ifname");
    names.push_back(n.empty() ? "eth" + std::to_string(i) : n);
  }
  return names;
}

std::string InterfaceOn(const json& node, const std::string& network) {
  const json& ifaces = Array(node, "interfaces");
  auto names = InterfaceNames(node);
  for (size_t i = 0; i < ifaces.size(); ++i)
    if (Str(ifaces[i], "network") == network) return names[i];
  return "";
}

api::Result<std::vector<api::IpAddress>> DefaultGateways(const json& spec, const json& node) {
  std::string gw_name = Str(node, "defaultGateway");
  if (gw_name.empty()) return std::vector<api::IpAddress>{};
  const json* gw = FindNode(spec, gw_name);
  if (!gw) return api::Status::Invalid("defaultGateway names a missing node", {});
  for (const auto& iface : Array(node, "interfaces")) {
    const json* gw_iface = InterfaceJson(*gw, Str(iface, "network"));
    if (!gw_iface) continue;
    std::vector<api::IpAddress> out;
    for (const char* key : {"ipv4", "ipv6"})
      if (!Str(iface, key).empty())
        if (auto ip = api::ParseIp(Str(*gw_iface, key))) out.push_back(*ip);
    return out;
  }
  return api::Status::Invalid(
      "node " + Str(node, "name") + " shares no network with its defaultGateway " + gw_name, {});
}

std::vector<StaticRoute> StaticRoutes(const json& node) {
  std::vector<StaticRoute> out;
  for (const auto& r : Array(node, "routes")) {
    auto to = api::ParseCidr(Str(r, "to"));
    auto via = api::ParseIp(Str(r, "via"));
    if (to && via) out.push_back({*to, *via});
  }
  return out;
}

api::Result<std::optional<NatConfig>> NatFor(const json& spec, const json& node) {
  if (!node.is_object() || !node.contains("nat")) return std::optional<NatConfig>();
  const json& nat = node["nat"];
  auto type = ParseNatType(Str(nat, "type"));
  if (!type) return api::Status::Invalid("unknown NAT type " + Str(nat, "type"), {});
  NatConfig config;
  config.type = *type;
  std::string inside = Str(nat, "inside");
  config.inside_if = InterfaceOn(node, inside);
  config.outside_if = InterfaceOn(node, Str(nat, "outside"));
  if (config.inside_if.empty() || config.outside_if.empty())
    return api::Status::Invalid("NAT networks must be networks of the node", {});
  if (config.type == NatType::kFullCone) {
    for (const auto& other : Array(spec, "nodes")) {
      if (Str(other, "defaultGateway") != Str(node, "name")) continue;
      const json* iface = InterfaceJson(other, inside);
      if (!iface) continue;
      if (auto ip = api::ParseIpv4(Str(*iface, "ipv4"))) {
        config.inside_host = *ip;
        break;
      }
    }
    if (!config.inside_host)
      return api::Status::Invalid("full-cone gateway " + Str(node, "name") +
                                      " has no inside node using it as defaultGateway",
                                  {});
  }
  return std::optional<NatConfig>(config);
}

Impairment ImpairmentFrom(const json& j) {
  Impairment imp;
  imp.delay_ms = Num(j, "delayMs");
  imp.jitter_ms = Num(j, "jitterMs");
  imp.loss_percent = Num(j, "lossPercent");
  imp.rate_kbit = static_cast<long>(Num(j, "rateKbit"));
  return imp;
}

std::vector<LinkPlan> Links(const json& spec) {
  std::vector<LinkPlan> out;
  const json& links = Array(spec, "links");
  for (size_t i = 0; i < links.size(); ++i) {
    const json& link = links[i];
    const json& eps = Array(link, "endpoints");
    if (eps.size() != 2 || !eps[0].is_string() || !eps[1].is_string()) continue;
    LinkPlan plan;
    plan.index = static_cast<int>(i);
    std::tie(plan.node_a, plan.ifname_a) = SplitEndpoint(eps[0].get<std::string>());
    std::tie(plan.node_b, plan.ifname_b) = SplitEndpoint(eps[1].get<std::string>());
    for (const char* key : {"ipv4", "ipv6"}) {
      const json& addrs = Array(link, key);
      if (addrs.size() != 2) continue;
      if (auto a = api::ParseCidr(addrs[0].is_string() ? addrs[0].get<std::string>() : ""))
        plan.addresses_a.push_back(*a);
      if (auto b = api::ParseCidr(addrs[1].is_string() ? addrs[1].get<std::string>() : ""))
        plan.addresses_b.push_back(*b);
    }
    if (link.contains("impairment")) plan.impairment = ImpairmentFrom(link["impairment"]);
    out.push_back(plan);
  }
  return out;
}

}  // namespace labctl::net
