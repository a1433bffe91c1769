#include "api/lab_spec.h"

#include <algorithm>

#include "api/field_errors.h"

namespace labctl::api {
namespace {

std::string Str(const json& j, const char* key, const std::string& def = "") {
  const json* v = Find(j, key);
  return v && v->is_string() ? v->get<std::string>() : def;
}

int Int(const json& j, const char* key, int def) {
  const json* v = Find(j, key);
  return v && v->is_number() ? v->get<int>() : def;
}

double Num(const json& j, const char* key) {
  const json* v = Find(j, key);
  return v && v->is_number() ? v->get<double>() : 0;
}

const json* ObjectAt(const json& j, const char* key) {
  const json* v = Find(j, key);
  return v && v->is_object() ? v : nullptr;
}

const json& Array(const json& j, const char* key) {
  static const json kEmpty = json::array();
  const json* v = Find(j, key);
  return v && v->is_array() ? *v : kEmpty;
}

std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  for (const auto& v : Array(j, key))
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

StringMap Map(const json& j, const char* key) {
  StringMap out;
  const json* v = ObjectAt(j, key);
  if (!v) return out;
  for (auto it = v->begin(); it != v->end(); ++it)
    out[it.key()] = it->is_string() ? it->get<std::string>() : it->dump();
  return out;
}

std::optional<ImpairmentSpec> ReadImpairment(const json& j) {
  const json* v = ObjectAt(j, "impairment");
  if (!v) return std::nullopt;
  return ImpairmentSpec{Num(*v, "delayMs"), Num(*v, "jitterMs"), Num(*v, "lossPercent"),
                        static_cast<int64_t>(Num(*v, "rateKbit"))};
}

LabNodeSpec ReadNode(const json& n) {
  LabNodeSpec node;
  node.name = Str(n, "name");
  node.group = Str(n, "group");
  node.image = Str(n, "image");
  node.command = Strings(n, "command");
  node.env = Map(n, "env");
  node.cap_add = Strings(n, "capAdd");
  node.sysctls = Map(n, "sysctls");
  if (const json* p = Find(n, "privileged"); p && p->is_boolean()) node.privileged = *p;
  node.binds = Strings(n, "binds");
  node.depends_on = Strings(n, "dependsOn");
  const json& interfaces = Array(n, "interfaces");
  for (size_t i = 0; i < interfaces.size(); ++i) {
    const json& f = interfaces[i];
    std::string ifname = Str(f, "ifname");
    node.interfaces.push_back({Str(f, "network"), Str(f, "ipv4"), Str(f, "ipv6"),
                               ifname.empty() ? DefaultIfname(i) : ifname, ReadImpairment(f)});
  }
  if (const json* r = ObjectAt(n, "readiness"))
    node.readiness = ReadinessSpec{
        Strings(*r, "exec"), std::max(1, Int(*r, "periodSeconds", kDefaultReadinessPeriodSeconds)),
        std::max(1, Int(*r, "timeoutSeconds", kDefaultReadinessTimeoutSeconds))};
  node.default_gateway = Str(n, "defaultGateway");
  for (const auto& r : Array(n, "routes")) node.routes.push_back({Str(r, "to"), Str(r, "via")});
  if (const json* nat = ObjectAt(n, "nat"))
    node.nat = NatSpec{Str(*nat, "type"), Str(*nat, "inside"), Str(*nat, "outside")};
  return node;
}

// "r1:eth1" -> {"r1", "eth1"}
LinkEndSpec SplitEndpoint(const std::string& endpoint) {
  size_t colon = endpoint.find(':');
  if (colon == std::string::npos) return {endpoint, ""};
  return {endpoint.substr(0, colon), endpoint.substr(colon + 1)};
}

// Two addresses, one per end; anything else reads as none.
std::vector<std::string> LinkAddresses(const json& link, const char* key) {
  const json& addresses = Array(link, key);
  if (addresses.size() != 2) return {};
  std::vector<std::string> out;
  for (const auto& a : addresses) out.push_back(a.is_string() ? a.get<std::string>() : "");
  return out;
}

void SetDefault(json& obj, const char* key, const json& value) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) obj[key] = value;
}

}  // namespace

std::string DefaultIfname(size_t index) { return "eth" + std::to_string(index); }

const LabInterfaceSpec* LabNodeSpec::InterfaceOn(const std::string& network) const {
  for (const auto& f : interfaces)
    if (f.network == network) return &f;
  return nullptr;
}

const LabNodeSpec* LabSpec::FindNode(const std::string& name) const {
  for (const auto& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

const LabNetworkSpec* LabSpec::FindNetwork(const std::string& name) const {
  for (const auto& n : networks)
    if (n.name == name) return &n;
  return nullptr;
}

bool LabSpec::Skips(const LabNodeSpec& node) const {
  return !node.group.empty() &&
         std::find(skip_groups.begin(), skip_groups.end(), node.group) != skip_groups.end();
}

LabSpec ReadLabSpec(const json& spec) {
  LabSpec s;
  s.provider = Str(spec, "provider", kDefaultProvider);
  s.run_policy = Str(spec, "runPolicy", kDefaultRunPolicy);
  s.idle_timeout_seconds = Int(spec, "idleTimeoutSeconds", kDefaultIdleTimeoutSeconds);
  s.on_host_lost = Str(spec, "onHostLost", kOnHostLostFail);
  s.skip_groups = Strings(spec, "skipGroups");
  for (const auto& n : Array(spec, "networks"))
    s.networks.push_back({Str(n, "name"), Str(n, "subnet"), Str(n, "ipv6Subnet")});
  for (const auto& n : Array(spec, "nodes")) s.nodes.push_back(ReadNode(n));
  const json& links = Array(spec, "links");
  for (size_t i = 0; i < links.size(); ++i) {
    const json& eps = Array(links[i], "endpoints");
    if (eps.size() != 2 || !eps[0].is_string() || !eps[1].is_string()) continue;
    s.links.push_back({static_cast<int>(i), SplitEndpoint(eps[0].get<std::string>()),
                       SplitEndpoint(eps[1].get<std::string>()), LinkAddresses(links[i], "ipv4"),
                       LinkAddresses(links[i], "ipv6"), ReadImpairment(links[i])});
  }
  if (const json* netlab = ObjectAt(spec, "netlab"))
    s.netlab = NetlabSpec{Str(*netlab, "topology"), Map(*netlab, "files"), Map(*netlab, "images")};
  if (const json* clab = ObjectAt(spec, kContainerlabProvider))
    s.containerlab = ContainerlabSpec{Str(*clab, "topology"), Map(*clab, "files")};
  return s;
}

LabSpec ReadLabObjectSpec(const json& lab) {
  static const json kNone = json::object();
  const json* spec = ObjectAt(lab, "spec");
  return ReadLabSpec(spec ? *spec : kNone);
}

void DefaultLabSpec(json& spec) {
  if (!spec.is_object()) return;
  SetDefault(spec, "provider", kDefaultProvider);
  SetDefault(spec, "runPolicy", kDefaultRunPolicy);
  SetDefault(spec, "idleTimeoutSeconds", kDefaultIdleTimeoutSeconds);
  if (!spec.contains("nodes") || !spec["nodes"].is_array()) return;
  for (json& node : spec["nodes"]) {
    if (!node.is_object()) continue;
    if (node.contains("interfaces") && node["interfaces"].is_array()) {
      json& ifaces = node["interfaces"];
      for (size_t i = 0; i < ifaces.size(); ++i)
        if (ifaces[i].is_object()) SetDefault(ifaces[i], "ifname", DefaultIfname(i));
    }
    if (node.contains("readiness") && node["readiness"].is_object()) {
      SetDefault(node["readiness"], "periodSeconds", kDefaultReadinessPeriodSeconds);
      SetDefault(node["readiness"], "timeoutSeconds", kDefaultReadinessTimeoutSeconds);
    }
  }
}

}  // namespace labctl::api
