#include "reconcilers/providers/containerlab/naming.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>
#include <vector>

namespace labctl::clab {

std::string ContainerName(std::string_view prefix, std::string_view lab, std::string_view node) {
  if (prefix.empty()) return std::string(node);
  if (prefix == "__lab-name") return std::string(lab) + "-" + std::string(node);
  return std::string(prefix) + "-" + std::string(lab) + "-" + std::string(node);
}

std::string ContainerName(const Topology& topo, const std::string& node) {
  auto it = topo.nodes.find(node);
  if (it != topo.nodes.end() && it->second.support == KindSupport::kExtContainer) return node;
  return ContainerName(topo.prefix, topo.name, node);
}

std::string LabDir(const std::string& topology_dir, const std::string& lab) {
  return topology_dir + "/clab-" + lab;
}

std::string NodeDir(const std::string& topology_dir, const std::string& lab,
                    const std::string& node) {
  return LabDir(topology_dir, lab) + "/" + node;
}

std::string ToEnvKey(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '-' || c == '+' || c == '.' || c == '/')
      out += '_';
    else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_')
      out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

StringMap ContainerLabels(const Topology& topo, const Node& node, const LabelContext& ctx) {
  StringMap labels = node.labels;
  labels["containerlab"] = topo.name;
  labels["clab-node-name"] = node.name;
  labels["clab-node-longname"] = ContainerName(topo, node.name);
  labels["clab-node-kind"] = node.kind;
  labels["clab-node-type"] = node.type;
  labels["clab-node-group"] = node.group;
  labels["clab-node-lab-dir"] = NodeDir(topo.topology_dir, topo.name, node.name);
  labels["clab-topo-file"] = topo.topology_file;
  labels["clab-owner"] = ctx.owner;
  // Docker sets this one when it attaches the container to the management network.
  if (node.OnMgmtNetwork()) labels["clab-mgmt-net-bridge"] = ctx.mgmt_bridge;
  return labels;
}

int DataInterfaceCount(const Topology& topo, const std::string& node) {
  int n = 0;
  for (const auto& link : topo.links)
    for (const auto& ep : link.endpoints)
      if (ep.node == node) ++n;
  return n;
}

namespace {

// containerlab appends these to a user's no_proxy, or uses them alone.
const char* const kNoProxyDefaults[] = {"localhost", "127.0.0.1", "::1", "*.local"};

std::string NoProxy(const Topology& topo, const StringMap& env) {
  std::string value;
  auto lower = env.find("no_proxy");
  auto upper = env.find("NO_PROXY");
  if (lower != env.end() || upper != env.end()) {
    value = lower != env.end() ? lower->second : upper->second;
    for (const char* d : kNoProxyDefaults)
      if (value.find(d) == std::string::npos) value += std::string(",") + d;
  } else {
    for (const char* d : kNoProxyDefaults) value += (value.empty() ? "" : ",") + std::string(d);
  }
  std::vector<std::string> entries;
  for (const auto& [name, n] : topo.nodes) {
    entries.push_back(name);
    if (n.mgmt_ipv4) entries.push_back(n.mgmt_ipv4->ToString());
    if (n.mgmt_ipv6) entries.push_back(n.mgmt_ipv6->ToString());
  }
  if (topo.mgmt.ipv4_subnet) entries.push_back(topo.mgmt.ipv4_subnet->ToString());
  if (topo.mgmt.ipv6_subnet) entries.push_back(topo.mgmt.ipv6_subnet->ToString());
  std::sort(entries.begin(), entries.end());
  for (const auto& e : entries) value += "," + e;
  return value;
}

}  // namespace

StringMap ContainerEnv(const Topology& topo, const Node& node, const StringMap& labels,
                       const StringMap& env_file_values) {
  StringMap env = env_file_values;
  for (const auto& [k, v] : node.env) env[k] = v;
  std::string no_proxy = NoProxy(topo, env);
  env["no_proxy"] = no_proxy;
  env["NO_PROXY"] = no_proxy;
  for (const auto& [k, v] : labels) env["CLAB_LABEL_" + ToEnvKey(k)] = v;
  env["CLAB_INTFS"] = std::to_string(DataInterfaceCount(topo, node.name));
  return env;
}

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// The value part of KEY=VALUE: quoted (single: literal; double: escapes) or bare (a trailing
// " #comment" is dropped). nullopt on an unterminated quote.
std::optional<std::string> EnvValue(const std::string& raw) {
  std::string v = Trim(raw);
  if (v.empty()) return v;
  char q = v[0];
  if (q == '\'' || q == '"') {
    size_t end = v.find(q, 1);
    while (q == '"' && end != std::string::npos && v[end - 1] == '\\') end = v.find(q, end + 1);
    if (end == std::string::npos) return std::nullopt;
    std::string inner = v.substr(1, end - 1);
    if (q == '\'') return inner;
    std::string out;
    for (size_t i = 0; i < inner.size(); ++i) {
      if (inner[i] == '\\' && i + 1 < inner.size()) {
        char n = inner[++i];
        out += n == 'n' ? '\n' : n == 'r' ? '\r' : n;
      } else {
        out += inner[i];
      }
    }
    return out;
  }
  size_t hash = v.find(" #");
  return Trim(hash == std::string::npos ? v : v.substr(0, hash));
}

}  // namespace

api::Result<StringMap> ParseEnvFile(const std::string& text) {
  StringMap out;
  std::istringstream in(text);
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (t.rfind("export ", 0) == 0) t = Trim(t.substr(7));
    size_t eq = t.find_first_of("=:");
    std::string key = eq == std::string::npos ? "" : Trim(t.substr(0, eq));
    auto value = eq == std::string::npos ? std::nullopt : EnvValue(t.substr(eq + 1));
    if (key.empty() || !value)
      return api::Status::BadRequest("env file line " + std::to_string(number) +
                                     ": expected KEY=VALUE");
    out[key] = *value;
  }
  return out;
}

}  // namespace labctl::clab
