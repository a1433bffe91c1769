#include "drivers/netlab/node_facts.h"

#include <set>

#include "api/text_file.h"

namespace labctl::netlab {
namespace {

using json = nlohmann::json;

std::string Str(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

InterfaceFacts ParseInterface(const json& i) {
  InterfaceFacts f;
  f.ifname = Str(i, "ifname");
  f.ipv4 = Str(i, "ipv4");  // ipv4 may be `true` (unnumbered): not an address, left empty
  f.ipv6 = Str(i, "ipv6");
  f.name = Str(i, "name");
  f.type = Str(i, "type");
  if (auto n = i.find("neighbors"); n != i.end() && n->is_array())
    for (const auto& nb : *n) f.neighbors.push_back(Str(nb, "node"));
  return f;
}

NodeFacts ParseNode(const std::string& name, const json& node,
                    const std::map<std::string, json>& group_vars) {
  NodeFacts f;
  f.name = name;
  f.device = Str(node, "device");
  f.hostname = Str(node, "hostname");
  f.image = Str(node, "box");
  if (auto m = node.find("mgmt"); m != node.end()) {
    f.mgmt_ipv4 = Str(*m, "ipv4");
    f.mgmt_ipv6 = Str(*m, "ipv6");
  }
  if (auto l = node.find("loopback"); l != node.end()) {
    f.loopback_ipv4 = Str(*l, "ipv4");
    f.loopback_ipv6 = Str(*l, "ipv6");
  }
  if (auto is = node.find("interfaces"); is != node.end() && is->is_array())
    for (const auto& i : *is) f.interfaces.push_back(ParseInterface(i));
  // As `netlab inspect --node`: the device's group variables under the node's own data, and
  // ansible_host (the container name on containerlab).
  f.raw = json::object();
  if (auto g = group_vars.find(f.device); g != group_vars.end() && g->second.is_object())
    f.raw.update(g->second);
  f.raw.update(node);
  if (!f.raw.contains("ansible_host") && !f.hostname.empty()) f.raw["ansible_host"] = f.hostname;
  return f;
}

}  // namespace

api::Result<std::map<std::string, NodeFacts>> ParseNodeFacts(
    const std::string& nodes_json, const std::map<std::string, json>& group_vars) {
  json nodes = json::parse(nodes_json, nullptr, /*allow_exceptions=*/false);
  if (!nodes.is_object())
    return api::Status::Internal("netlab inspect did not print the nodes as a JSON object: " +
                                 nodes_json.substr(0, 200));
  std::map<std::string, NodeFacts> out;
  for (const auto& [name, node] : nodes.items()) {
    if (!node.is_object()) continue;
    out[name] = ParseNode(name, node, group_vars);
  }
  return out;
}

namespace {

json Addresses(const std::string& ipv4, const std::string& ipv6) {
  json out = json::object();
  if (!ipv4.empty()) out["ipv4"] = ipv4;
  if (!ipv6.empty()) out["ipv6"] = ipv6;
  return out;
}

}  // namespace

json NodeFactsToJson(const NodeFacts& facts) {
  json interfaces = json::array();
  for (const auto& i : facts.interfaces) {
    json j = Addresses(i.ipv4, i.ipv6);
    j["ifname"] = i.ifname;
    j["name"] = i.name;
    j["type"] = i.type;
    j["neighbors"] = i.neighbors;
    interfaces.push_back(std::move(j));
  }
  return {{"device", facts.device},
          {"mgmt", Addresses(facts.mgmt_ipv4, facts.mgmt_ipv6)},
          {"loopback", Addresses(facts.loopback_ipv4, facts.loopback_ipv6)},
          {"interfaces", std::move(interfaces)},
          {"raw", facts.raw}};
}

api::Result<std::map<std::string, NodeFacts>> ReadNodeFacts(const NetlabCli& cli,
                                                            const std::string& dir) {
  // The dump this lab's `netlab create` wrote; a lab created before there was one: inspect.
  const std::string dump = api::ReadTextFileOrEmpty(dir + "/" + kNodesDumpFile);
  auto text = dump.empty() ? cli.InspectJson(dir, "nodes") : api::Result<std::string>(dump);
  if (!text.ok()) return text.status();
  json nodes = json::parse(*text, nullptr, false);
  std::set<std::string> devices;
  if (nodes.is_object())
    for (const auto& [name, node] : nodes.items()) devices.insert(Str(node, "device"));
  std::map<std::string, json> group_vars;
  for (const auto& device : devices) {
    if (device.empty() || device.find('/') != std::string::npos || device[0] == '.') continue;
    json vars = json::parse(
        api::ReadTextFileOrEmpty(dir + "/group_vars/" + device + "/topology.json"), nullptr, false);
    if (vars.is_object()) group_vars[device] = std::move(vars);
  }
  return ParseNodeFacts(*text, group_vars);
}

}  // namespace labctl::netlab
