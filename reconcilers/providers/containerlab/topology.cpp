#include "reconcilers/providers/containerlab/topology.h"

#include <regex>

#include "reconcilers/providers/containerlab/mgmt_plan.h"
#include "reconcilers/providers/containerlab/naming.h"
#include "reconcilers/providers/containerlab/topology_internal.h"

namespace labctl::clab {

std::vector<std::string> Topology::ForeignKindNodes() const {
  std::vector<std::string> out;
  for (const auto& [name, node] : nodes)
    if (node.support == KindSupport::kForeign) out.push_back(name);
  return out;
}

namespace {

using api::Child;

template <class T>
std::optional<T> ParseOr(const std::optional<std::string>& text,
                         std::optional<T> (*parse)(std::string_view), const std::string& field,
                         const char* what, api::FieldErrors& errs) {
  if (!text || text->empty()) return std::nullopt;
  auto v = parse(*text);
  if (!v) errs.Add(field, std::string("must be ") + what);
  return v;
}

void CheckInside(const std::optional<api::IpAddress>& ip, const std::optional<api::Cidr>& subnet,
                 const char* field, api::FieldErrors& errs) {
  if (ip && subnet && !subnet->Contains(*ip))
    errs.Add(field, "must be inside the management subnet " + subnet->NetworkString());
}

Mgmt ResolveMgmt(const RawMgmt& raw, api::FieldErrors& errs) {
  Mgmt m;
  if (raw.network && !raw.network->empty()) m.network = *raw.network;
  m.bridge = raw.bridge.value_or("");
  m.ipv4_subnet = ParseOr(raw.ipv4_subnet, api::ParseCidrV4, "mgmt.ipv4-subnet",
                          "an IPv4 prefix like 172.20.20.0/24", errs);
  m.ipv6_subnet = ParseOr(raw.ipv6_subnet, api::ParseCidrV6, "mgmt.ipv6-subnet",
                          "an IPv6 prefix like 3fff:172:20:20::/64", errs);
  // containerlab's default subnets apply only when neither family is given.
  bool none_given = (!raw.ipv4_subnet || raw.ipv4_subnet->empty()) &&
                    (!raw.ipv6_subnet || raw.ipv6_subnet->empty());
  if (none_given) {
    m.ipv4_subnet = api::ParseCidrV4(kDefaultMgmtIpv4Subnet);
    m.ipv6_subnet = api::ParseCidrV6(kDefaultMgmtIpv6Subnet);
  }
  m.ipv4_gw = ParseOr(raw.ipv4_gw, api::ParseIpv4, "mgmt.ipv4-gw", "an IPv4 address", errs);
  m.ipv6_gw = ParseOr(raw.ipv6_gw, api::ParseIpv6, "mgmt.ipv6-gw", "an IPv6 address", errs);
  m.ipv4_range =
      ParseOr(raw.ipv4_range, api::ParseCidrV4, "mgmt.ipv4-range", "an IPv4 prefix", errs);
  m.ipv6_range =
      ParseOr(raw.ipv6_range, api::ParseCidrV6, "mgmt.ipv6-range", "an IPv6 prefix", errs);
  CheckInside(m.ipv4_gw, m.ipv4_subnet, "mgmt.ipv4-gw", errs);
  CheckInside(m.ipv6_gw, m.ipv6_subnet, "mgmt.ipv6-gw", errs);
  if (m.ipv4_range) CheckInside(m.ipv4_range->Network(), m.ipv4_subnet, "mgmt.ipv4-range", errs);
  if (m.ipv6_range) CheckInside(m.ipv6_range->Network(), m.ipv6_subnet, "mgmt.ipv6-range", errs);
  m.mtu = raw.mtu.value_or(0);
  m.external_access = raw.external_access.value_or(true);
  return m;
}

std::string DirectoryOf(const std::string& file) {
  size_t slash = file.rfind('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return file.substr(0, slash);
}

}  // namespace

api::Result<Topology> Resolve(const RawTopology& raw, const ResolveOptions& options) {
  api::FieldErrors errs;
  Topology topo;
  if (options.topology_file.empty() || options.topology_file[0] != '/')
    return api::Status::Internal("containerlab topology path must be absolute, got \"" +
                                 options.topology_file + "\"");
  topo.topology_file = options.topology_file;
  topo.topology_dir = DirectoryOf(options.topology_file);
  topo.name = raw.name && !raw.name->empty() ? *raw.name : options.default_name;
  static const std::regex lab_name_re("^[a-zA-Z0-9][a-zA-Z0-9-._]*$");
  if (topo.name.empty())
    errs.Add("name", "required");
  else if (!std::regex_match(topo.name, lab_name_re))
    errs.Add("name", "must match [a-zA-Z0-9][a-zA-Z0-9-._]*");
  if (raw.prefix) topo.prefix = *raw.prefix;
  topo.mgmt = ResolveMgmt(raw.mgmt, errs);
  if (raw.nodes.empty()) errs.Add("topology.nodes", "at least one node is required");
  static const std::regex container_re("^[a-zA-Z0-9][a-zA-Z0-9-._]+$");
  for (const auto& [name, def] : raw.nodes) {
    topo.nodes[name] = ResolveNode(raw, name, {topo.topology_dir, topo.name, name}, errs);
    if (!std::regex_match(ContainerName(topo, name), container_re))
      errs.Add(Child("topology.nodes", name), "container name \"" + ContainerName(topo, name) +
                                                  "\" must match [a-zA-Z0-9][a-zA-Z0-9-._]+");
  }
  CheckWaitFor(topo, errs);
  topo.links = ResolveLinks(raw, topo, errs);
  if (!errs.empty()) return api::Status::Invalid("invalid containerlab topology", errs.causes());
  auto plan = PlanMgmtAddresses(topo);
  if (!plan.ok()) return plan.status();
  return topo;
}

api::Result<Topology> ParseTopology(const std::string& yaml_text, const ResolveOptions& options) {
  auto raw = ParseRawTopology(yaml_text);
  if (!raw.ok()) return raw.status();
  return Resolve(*raw, options);
}

}  // namespace labctl::clab
