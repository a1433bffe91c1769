#include "reconcilers/providers/containerlab/clab_model.h"

#include <cctype>

#include "api/field_errors.h"
#include "api/spec_hash.h"
#include "api/text_file.h"
#include "reconcilers/providers/containerlab/mgmt_plan.h"
#include "reconcilers/providers/containerlab/naming.h"
#include "reconcilers/providers/containerlab/ports.h"
#include "reconcilers/providers/containerlab/start_order.h"

namespace labctl::clab {
namespace {

using api::Child;
using api::json;
using reconcilers::InterfaceModel;
using reconcilers::LabModel;
using reconcilers::NetworkModel;
using reconcilers::NodeModel;

constexpr size_t kMaxIfname = 15;

void CheckDefinition(const RawNodeDefinition& d, const std::string& path,
                     std::vector<api::Cause>& out) {
  if (d.ports)
    for (size_t i = 0; i < d.ports->size(); ++i)
      if (auto port = ParsePort((*d.ports)[i]); !port.ok())
        out.push_back({api::At(Child(path, "ports"), i), port.status().message()});
  if (d.runtime && *d.runtime != "docker")
    out.push_back({Child(path, "runtime"), "only runtime docker is supported"});
}

// A node in the host's or another container's namespace has none of its own: no links, no
// published ports, no management address.
void CheckNetworkMode(const Node& node, std::vector<api::Cause>& out) {
  const std::string path = Child("topology.nodes", node.name);
  const std::string& mode = node.network_mode;
  if (mode.empty()) return;
  const std::string why = " (network-mode " + mode + ": not on the management network)";
  if (node.mgmt_ipv4) out.push_back({Child(path, "mgmt-ipv4"), "has no effect" + why});
  if (node.mgmt_ipv6) out.push_back({Child(path, "mgmt-ipv6"), "has no effect" + why});
  if (mode != "none" && !node.ports.empty())
    out.push_back({Child(path, "ports"),
                   "a node in the " + std::string(mode == "host" ? "host's" : "other container's") +
                       " network namespace publishes no ports"});
}

// Links need a namespace of the node's own: not the host's or another container's.
bool SharesNamespace(const Topology& topo, const std::string& node) {
  auto it = topo.nodes.find(node);
  return it != topo.nodes.end() && !it->second.network_mode.empty() &&
         it->second.network_mode != "none";
}

// A dummy, host or mgmt-net link's node must have a namespace of its own to hold its end.
void CheckSingleEndLink(const Link& link, const Topology& topo, std::vector<api::Cause>& out) {
  const Endpoint& ep = link.endpoints.at(0);
  const std::string field =
      link.brief ? Child(link.path, "endpoints") : Child(link.path, "endpoint");
  if (SharesNamespace(topo, ep.node))
    out.push_back({field, "node " + ep.node + " has network-mode " +
                              topo.nodes.at(ep.node).network_mode +
                              ": no namespace of its own for links"});
  auto node = topo.nodes.find(ep.node);
  if (node == topo.nodes.end()) return;
  if (link.type == LinkType::kDummy && node->second.support == KindSupport::kExtContainer)
    out.push_back({field, "labd makes no dummy interface in an ext-container (" + ep.node +
                              "): it would outlive the lab there"});
  if (!node->second.HasContainer())
    out.push_back({field, std::string("a ") + LinkTypeName(link.type) +
                              " link needs a node with a container; " + ep.node + " is kind " +
                              node->second.kind});
}

void CheckLink(const Link& link, const Topology& topo, std::vector<api::Cause>& out) {
  if (link.type != LinkType::kVeth) return CheckSingleEndLink(link, topo, out);
  int bridges = 0, host_nodes = 0;
  for (const auto& ep : link.endpoints) {
    if (SharesNamespace(topo, ep.node))
      out.push_back({Child(link.path, "endpoints"), "node " + ep.node + " has network-mode " +
                                                        topo.nodes.at(ep.node).network_mode +
                                                        ": no namespace of its own for links"});
    auto node = topo.nodes.find(ep.node);
    if (node != topo.nodes.end() && node->second.support == KindSupport::kHost) ++host_nodes;
    if (node != topo.nodes.end() && node->second.support == KindSupport::kBridge) {
      ++bridges;
      if (ep.interface.size() > kMaxIfname)
        out.push_back(
            {Child(link.path, "endpoints"),
             "the host end " + ep.interface + " of a bridge link must be 1-15 characters"});
    }
  }
  if (host_nodes > 0 && bridges + host_nodes == 2)
    out.push_back({Child(link.path, "endpoints"),
                   "a link of a host node needs a node with a container at its other end"});
}

NetworkModel MgmtNetwork(const Topology& topo, const MgmtPlan& plan) {
  const Mgmt& m = topo.mgmt;
  NetworkModel n;
  n.name = kMgmtNetwork;
  n.docker_name = m.network;
  if (m.ipv4_subnet) n.subnet = m.ipv4_subnet->NetworkString();
  if (m.ipv6_subnet) n.ipv6_subnet = m.ipv6_subnet->NetworkString();
  // With a range Docker would put the gateway on the range's first address, which the plan
  // hands to a node: the gateway the plan keeps free is given explicitly.
  if (m.ipv4_gw || (m.ipv4_range && plan.ipv4_gateway))
    n.gateway = m.ipv4_gw.value_or(plan.ipv4_gateway.value_or(api::IpAddress{})).ToString();
  if (m.ipv6_gw || (m.ipv6_range && plan.ipv6_gateway))
    n.ipv6_gateway = m.ipv6_gw.value_or(plan.ipv6_gateway.value_or(api::IpAddress{})).ToString();
  if (m.ipv4_range) n.ipv4_range = m.ipv4_range->NetworkString();
  if (m.ipv6_range) n.ipv6_range = m.ipv6_range->NetworkString();
  n.labels = {{"containerlab", topo.name}};
  if (!m.bridge.empty()) n.options["com.docker.network.bridge.name"] = m.bridge;
  if (m.mtu > 0) n.options["com.docker.network.driver.mtu"] = std::to_string(m.mtu);
  json hashed{{"name", n.docker_name}, {"subnet", n.subnet}, {"ipv6", n.ipv6_subnet},
              {"gateway", n.gateway},  {"labels", n.labels}, {"options", n.options}};
  // Only when set: networks without them keep the hash they had before labctl realised them.
  if (!n.ipv6_gateway.empty()) hashed["ipv6_gateway"] = n.ipv6_gateway;
  if (!n.ipv4_range.empty()) hashed["ipv4_range"] = n.ipv4_range;
  if (!n.ipv6_range.empty()) hashed["ipv6_range"] = n.ipv6_range;
  n.hash = api::SpecHash(hashed);
  return n;
}

// The node's env-files, read and merged in order.
api::Result<StringMap> EnvFileValues(const Node& node) {
  StringMap merged;
  for (const auto& file : node.env_files) {
    auto text = api::ReadTextFile(file);
    auto values = text.ok() ? ParseEnvFile(*text) : api::Result<StringMap>(text.status());
    if (!values.ok())
      return api::Status(
          api::Code::kInvalid, "EnvFileUnreadable",
          "topology.nodes." + node.name + ".env-files: " + file + ": " + values.status().message());
    for (auto& [k, v] : *values) merged[k] = v;
  }
  return merged;
}

// The node's dummy links and host-end links, for its hash: a changed one re-creates the node,
// whose new namespace gets them (the old host ends go with the old namespace). Only the kinds
// the node has: nodes without any keep the hash they had before these existed.
json LinksHashed(const ClabLab& lab, const std::string& node) {
  json dummies = json::array(), host_links = json::array();
  // A mac only when set: links without one keep the hash they had before macs were realised.
  auto with_mac = [](json entry, const std::string& mac) {
    if (!mac.empty()) entry.push_back(mac);
    return entry;
  };
  for (const auto& d : lab.dummy_links)
    if (d.node == node) dummies.push_back(with_mac({d.index, d.ifname, d.mtu}, d.mac));
  for (const auto& h : lab.host_links)
    if (h.node == node && h.attach != HostEndLink::Attach::kBridgeNode)
      host_links.push_back(
          with_mac({h.index, h.ifname, h.host_ifname, static_cast<int>(h.attach), h.mtu},
                   h.mac.empty() && h.host_mac.empty() ? "" : h.mac + "/" + h.host_mac));
  json out = json::object();
  if (!dummies.empty()) out["dummies"] = dummies;
  if (!host_links.empty()) out["host_links"] = host_links;
  return out;
}

api::Result<NodeModel> ReadNode(const Topology& topo, const Node& node, const MgmtAddress& mgmt,
                                const std::vector<std::vector<std::string>>& exec,
                                const json& links) {
  NodeModel n;
  n.name = node.name;
  n.container = ContainerName(topo, node.name);
  n.group = node.group;
  n.image = node.image;
  auto cmd = SplitCommand(node.cmd);
  if (!cmd.ok())
    return api::Status::Invalid("invalid containerlab topology",
                                {{"topology.nodes." + node.name + ".cmd", cmd.status().message()}});
  n.command = *cmd;
  auto entrypoint = SplitCommand(node.entrypoint);
  if (!entrypoint.ok())
    return api::Status::Invalid(
        "invalid containerlab topology",
        {{"topology.nodes." + node.name + ".entrypoint", entrypoint.status().message()}});
  n.entrypoint = *entrypoint;
  n.user = node.user;
  n.memory_bytes = node.memory_bytes.value_or(0);
  n.nano_cpus = node.cpu ? static_cast<int64_t>(*node.cpu * 1e9) : 0;
  n.cpuset_cpus = node.cpu_set;
  n.labels = ContainerLabels(topo, node, {"labctl", topo.mgmt.bridge});
  auto env_files = EnvFileValues(node);
  if (!env_files.ok()) return env_files.status();
  n.env = ContainerEnv(topo, node, n.labels, *env_files);
  n.cap_add = node.cap_add;
  n.sysctls = node.sysctls;
  for (const auto& b : node.binds) n.binds.push_back(b.ToString());
  for (const auto& p : node.ports) n.ports.push_back(*ParsePort(p));  // checked at apply
  n.restart_policy = node.restart_policy;
  n.startup_delay_seconds = static_cast<int>(node.startup_delay);
  NodeWaits waits = WaitsOf(topo, node);
  n.depends_on = waits.ready;
  n.depends_on_running = waits.running;
  n.network_mode = node.network_mode;
  if (auto shared = NetworkModeNode(topo, node); !shared.empty())
    n.network_mode = "container:" + ContainerName(topo, shared);
  InterfaceModel eth0;
  eth0.network = kMgmtNetwork;
  if (mgmt.ipv4) eth0.ipv4 = mgmt.ipv4->ToString();
  if (mgmt.ipv6) eth0.ipv6 = mgmt.ipv6->ToString();
  eth0.ifname = "eth0";
  if (node.OnMgmtNetwork()) n.interfaces.push_back(eth0);
  json hashed{{"container", n.container},
              {"image", n.image},
              {"cmd", n.command},
              {"env", n.env},
              {"labels", n.labels},
              {"cap_add", n.cap_add},
              {"sysctls", n.sysctls},
              {"binds", n.binds},
              {"ipv4", eth0.ipv4},
              {"ipv6", eth0.ipv6},
              {"exec", exec}};
  hashed.update(links);
  // Only when set: nodes without them keep the hash they had before labctl realised them.
  if (!n.entrypoint.empty()) hashed["entrypoint"] = n.entrypoint;
  if (!n.user.empty()) hashed["user"] = n.user;
  if (n.memory_bytes > 0) hashed["memory"] = n.memory_bytes;
  if (n.nano_cpus > 0) hashed["nano_cpus"] = n.nano_cpus;
  if (!n.cpuset_cpus.empty()) hashed["cpuset"] = n.cpuset_cpus;
  if (!n.network_mode.empty()) hashed["network_mode"] = n.network_mode;
  if (!node.ports.empty()) hashed["ports"] = node.ports;
  if (!n.restart_policy.empty()) hashed["restart_policy"] = n.restart_policy;
  n.hash = api::SpecHash(hashed);
  return n;
}

// The node's exec commands split into words.
api::Result<std::vector<std::vector<std::string>>> ExecOf(const Node& node) {
  std::vector<std::vector<std::string>> exec;
  for (size_t i = 0; i < node.exec.size(); ++i) {
    auto argv = SplitCommand(node.exec[i]);
    if (!argv.ok() || argv->empty())
      return api::Status::Invalid("invalid containerlab topology",
                                  {{api::At(Child(Child("topology.nodes", node.name), "exec"), i),
                                    argv.ok() ? "empty command" : argv.status().message()}});
    exec.push_back(*argv);
  }
  return exec;
}

}  // namespace

std::string LabFilesDir(const std::string& labs_dir, const std::string& lab) {
  return labs_dir + "/" + lab;
}

std::vector<api::Cause> UnrealisedFields(const RawTopology& raw, const Topology& topo) {
  std::vector<api::Cause> out;
  CheckDefinition(raw.defaults, "topology.defaults", out);
  for (const auto& [name, d] : raw.kinds) CheckDefinition(d, Child("topology.kinds", name), out);
  for (const auto& [name, d] : raw.groups) CheckDefinition(d, Child("topology.groups", name), out);
  for (const auto& [name, d] : raw.nodes) CheckDefinition(d, Child("topology.nodes", name), out);
  for (const auto& [name, node] : topo.nodes) {
    const std::string path = Child("topology.nodes", name);
    if (node.support == KindSupport::kHost && !node.exec.empty())
      out.push_back({Child(path, "exec"), "labd runs no commands on the host (kind host)"});
    if (node.support == KindSupport::kExtContainer && !node.exec.empty())
      out.push_back({Child(path, "exec"),
                     "labd runs no commands in an ext-container (a container it does not own)"});
    if (node.support == KindSupport::kBridge && name.size() > kMaxIfname)
      out.push_back({path, "a bridge node's name is a host interface name: 1-15 characters"});
    CheckNetworkMode(node, out);
  }
  CheckStartOrder(topo, out);
  for (const auto& link : topo.links) CheckLink(link, topo, out);
  return out;
}

api::Result<Topology> ReadLabTopology(const json& lab, const std::string& labs_dir) {
  const std::string name = api::Name(lab);
  const json lab_spec = lab.value("spec", json::object());
  const json* spec = api::Find(lab_spec, kContainerlabProvider);
  const json* text = spec && spec->is_object() ? api::Find(*spec, "topology") : nullptr;
  if (!text || !text->is_string())
    return api::Status::Invalid("invalid containerlab lab",
                                {{"spec.containerlab.topology", "required"}});
  auto raw = ParseRawTopology(text->get<std::string>());
  if (!raw.ok()) return raw.status();
  ResolveOptions options{LabFilesDir(labs_dir, name) + "/" + kTopologyFileName, name};
  auto topo = Resolve(*raw, options);
  if (!topo.ok()) return topo.status();
  auto unrealised = UnrealisedFields(*raw, *topo);
  if (!unrealised.empty())
    return api::Status::Invalid("containerlab topology uses what labctl does not realise",
                                std::move(unrealised));
  return topo;
}

api::Result<ClabLab> ReadClabLab(const json& lab, const std::string& labs_dir) {
  auto topo = ReadLabTopology(lab, labs_dir);
  if (!topo.ok()) return topo.status();
  auto plan = PlanMgmtAddresses(*topo);
  if (!plan.ok()) return plan.status();
  ClabLab out;
  out.topology = std::move(*topo);
  const Topology& t = out.topology;
  LabModel& m = out.model;
  m.name = api::Name(lab);
  m.uid = api::Uid(lab);
  m.generation = api::Generation(lab);
  m.provider = kContainerlabProvider;
  m.spec_hash = api::SpecHash(lab.value("spec", json::object()));
  m.networks.push_back(MgmtNetwork(t, *plan));
  out.dummy_links = DummyLinks(t);
  out.host_links = HostEndLinks(t);
  out.bridge_links = BridgeLinks(t);
  out.ext_links = ExtContainerLinks(t);
  m.links = ContainerLinks(t);
  for (const auto& [name, node] : t.nodes) {
    if (node.support == KindSupport::kBridge) out.bridges.push_back(name);
    if (node.support == KindSupport::kExtContainer) out.ext_containers.push_back(name);
    // Bridges and the host have no container; an ext-container's is not the lab's.
    if (!node.HasContainer() || node.support == KindSupport::kExtContainer) continue;
    if (node.support == KindSupport::kForeign)
      out.warnings.push_back("node " + name + ": kind " + node.kind +
                             " runs as a linux container; the kind's own start-up logic is not "
                             "applied");
    auto exec = ExecOf(node);
    if (!exec.ok()) return exec.status();
    out.exec[name] = *exec;
    auto model = ReadNode(t, node, plan->nodes[name], *exec, LinksHashed(out, name));
    if (!model.ok()) return model.status();
    m.nodes.push_back(std::move(*model));
  }
  return out;
}

api::Result<std::vector<std::string>> SplitCommand(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\\' && i + 1 < text.size()) {
      word += text[++i];
    } else if (c == '\'') {
      size_t end = text.find('\'', i + 1);
      if (end == std::string::npos) return api::Status::BadRequest("unterminated ' in: " + text);
      word += text.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      size_t j = i + 1;
      for (; j < text.size() && text[j] != '"'; ++j) {
        if (text[j] == '\\' && j + 1 < text.size() &&
            std::string_view("\"\\$`").find(text[j + 1]) != std::string_view::npos)
          ++j;
        word += text[j];
      }
      if (j >= text.size()) return api::Status::BadRequest("unterminated \" in: " + text);
      i = j;
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

}  // namespace labctl::clab
