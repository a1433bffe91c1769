// Validation of spec.nodes: per-node fields, interfaces and their addresses, NAT, and the
// references between nodes (defaultGateway, dependsOn without cycles).
#include <cctype>
#include <functional>
#include <map>
#include <set>

#include "api/lab_spec.h"
#include "api/lab_validation.h"
#include "api/node_field_validation.h"

namespace labctl::api {

namespace {

std::string NodeName(const json& node) {
  const json* name = Find(node, "name");
  return name && name->is_string() ? name->get<std::string>() : "";
}

// What the reference checks need to know about each node.
struct NodeFacts {
  std::string name;  // empty if invalid
  std::set<std::string> networks;
  std::map<std::string, std::string> ipv4_by_network;
};

// Addresses already taken on each network: network -> address -> field that took it.
using AddressBook = std::map<std::string, std::map<std::string, std::string>>;

void CheckAddress(const json& v, const std::string& field, const std::string& network,
                  const std::optional<Cidr>& subnet, bool v6, AddressBook& book,
                  FieldErrors& errs) {
  if (!ExpectString(v, field, errs)) return;
  auto ip = v6 ? ParseIpv6(v.get<std::string>()) : ParseIpv4(v.get<std::string>());
  if (!ip) {
    errs.Add(field, Show(v) + (v6 ? " is not an IPv6 address" : " is not an IPv4 address") +
                        (v.get<std::string>().find('/') != std::string::npos
                             ? " (give the address without a prefix length)"
                             : ""));
    return;
  }
  if (!subnet) {
    if (v6) errs.Add(field, "network " + network + " has no ipv6Subnet");
    return;
  }
  if (!subnet->Contains(*ip)) {
    errs.Add(field, ip->ToString() + " is not inside network " + network + " (" +
                        subnet->NetworkString() + ")");
    return;
  }
  if (IsReservedInSubnet(*subnet, *ip)) {
    errs.Add(field, ip->ToString() + " is the " +
                        std::string(*ip == subnet->Network() ? "network" : "broadcast") +
                        " address of network " + network + " (" + subnet->NetworkString() + ")");
    return;
  }
  auto [it, inserted] = book[network].emplace(ip->ToString(), field);
  if (!inserted)
    errs.Add(field,
             ip->ToString() + " is already used on network " + network + " by " + it->second);
}

void ValidateInterfaces(const json& node, const std::string& path, const LabIndex& index,
                        AddressBook& book, NodeFacts& facts, FieldErrors& errs) {
  const json* ifaces = Find(node, "interfaces");
  std::string ifaces_path = Child(path, "interfaces");
  if (!ifaces || !ExpectArray(*ifaces, ifaces_path, errs)) return;
  std::set<std::string> ifnames;
  for (size_t i = 0; i < ifaces->size(); ++i) {
    const json& iface = (*ifaces)[i];
    std::string ipath = At(ifaces_path, i);
    if (!ExpectObject(iface, ipath, errs)) continue;
    RejectUnknownFields(iface, ipath, {"network", "ipv4", "ipv6", "ifname", "impairment"}, errs);
    std::string ifname = DefaultIfname(i);
    if (const json* p = Find(iface, "ifname")) {
      if (ExpectString(*p, Child(ipath, "ifname"), errs)) {
        ifname = p->get<std::string>();
        if (!IsInterfaceName(ifname))
          errs.Add(Child(ipath, "ifname"),
                   Show(*p) +
                       " is not a valid interface name (1-15 characters, no '/', ':' or "
                       "whitespace)");
      }
    }
    if (!ifnames.insert(ifname).second)
      errs.Add(Child(ipath, "ifname"), "interface name " + ifname + " is used twice in this node");
    if (const json* p = Find(iface, "impairment"))
      ValidateImpairment(*p, Child(ipath, "impairment"), errs);

    const json* network = Find(iface, "network");
    if (!network) {
      errs.Add(Child(ipath, "network"), "required");
      continue;
    }
    if (!ExpectNonEmptyString(*network, Child(ipath, "network"), errs)) continue;
    const std::string& net = network->get_ref<const std::string&>();
    auto it = index.networks.find(net);
    if (it == index.networks.end()) {
      errs.Add(Child(ipath, "network"), "network " + net + " does not exist in spec.networks");
      continue;
    }
    if (!facts.networks.insert(net).second) {
      errs.Add(Child(ipath, "network"), "node is already attached to network " + net);
      continue;
    }
    if (const json* p = Find(iface, "ipv4")) {
      CheckAddress(*p, Child(ipath, "ipv4"), net, it->second.subnet, false, book, errs);
      if (p->is_string()) facts.ipv4_by_network[net] = p->get<std::string>();
    }
    if (const json* p = Find(iface, "ipv6"))
      CheckAddress(*p, Child(ipath, "ipv6"), net, it->second.ipv6_subnet, true, book, errs);
  }
}

void ValidateNat(const json& nat, const std::string& path, const NodeFacts& facts,
                 FieldErrors& errs) {
  if (!ExpectObject(nat, path, errs)) return;
  RejectUnknownFields(nat, path, {"type", "inside", "outside"}, errs);
  const json* type = Find(nat, "type");
  if (!type) {
    errs.Add(Child(path, "type"), "required (cone, symmetric or full-cone)");
  } else if (ExpectString(*type, Child(path, "type"), errs)) {
    const auto& t = type->get_ref<const std::string&>();
    if (t != "cone" && t != "symmetric" && t != "full-cone")
      errs.Add(Child(path, "type"),
               "unsupported value " + Show(*type) + ": must be one of cone, symmetric, full-cone");
  }
  std::string sides[2];
  const char* keys[2] = {"inside", "outside"};
  for (int s = 0; s < 2; ++s) {
    std::string field = Child(path, keys[s]);
    const json* side = Find(nat, keys[s]);
    if (!side) {
      errs.Add(field, "required");
      continue;
    }
    if (!ExpectNonEmptyString(*side, field, errs)) continue;
    sides[s] = side->get<std::string>();
    if (!facts.networks.count(sides[s]))
      errs.Add(field, "node has no interface on network " + sides[s]);
  }
  if (!sides[0].empty() && sides[0] == sides[1])
    errs.Add(Child(path, "outside"), "must differ from inside (" + sides[0] + ")");
}

void ValidateDefaultGateway(const json& gw, const std::string& field, const NodeFacts& self,
                            const std::vector<NodeFacts>& all, const LabIndex& index,
                            FieldErrors& errs) {
  if (!ExpectNonEmptyString(gw, field, errs)) return;
  const std::string& name = gw.get_ref<const std::string&>();
  if (name == self.name) return errs.Add(field, "a node cannot be its own default gateway");
  auto it = index.nodes.find(name);
  if (it == index.nodes.end())
    return errs.Add(field, "node " + name + " does not exist in spec.nodes");
  const NodeFacts& target = all[it->second];
  bool shared = false, addressed = false;
  for (const auto& net : self.networks) {
    if (!target.networks.count(net)) continue;
    shared = true;
    addressed = addressed || target.ipv4_by_network.count(net);
  }
  if (!shared)
    errs.Add(field, "node " + name + " shares no network with this node");
  else if (!addressed)
    errs.Add(field, "node " + name + " has no ipv4 address on a network shared with this node");
}

void ValidateDependsOn(const json& nodes, const LabIndex& index, FieldErrors& errs) {
  std::vector<std::vector<size_t>> edges(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    const json* deps = Find(nodes[i], "dependsOn");
    std::string path = Child(At("spec.nodes", i), "dependsOn");
    if (!deps || !ExpectStringArray(*deps, path, errs)) continue;
    std::set<std::string> seen;
    for (size_t d = 0; d < deps->size(); ++d) {
      const std::string& name = (*deps)[d].get_ref<const std::string&>();
      auto it = index.nodes.find(name);
      if (it == index.nodes.end())
        errs.Add(At(path, d), "node " + name + " does not exist in spec.nodes");
      else if (it->second == i)
        errs.Add(At(path, d), "a node cannot depend on itself");
      else if (!seen.insert(name).second)
        errs.Add(At(path, d), "duplicate dependency " + name);
      else
        edges[i].push_back(it->second);
    }
  }
  // Depth-first search; a back edge closes a cycle, reported once at the node that closes it.
  std::vector<int> color(nodes.size(), 0);  // 0 new, 1 on stack, 2 done
  std::vector<size_t> stack;
  std::function<void(size_t)> visit = [&](size_t n) {
    color[n] = 1;
    stack.push_back(n);
    for (size_t next : edges[n]) {
      if (color[next] == 1) {
        std::string cycle;
        for (size_t k = 0; k < stack.size(); ++k)
          if (!cycle.empty() || stack[k] == next) cycle += NodeName(nodes[stack[k]]) + " -> ";
        errs.Add(Child(At("spec.nodes", n), "dependsOn"),
                 "dependency cycle: " + cycle + NodeName(nodes[next]));
      } else if (color[next] == 0) {
        visit(next);
      }
    }
    stack.pop_back();
    color[n] = 2;
  };
  for (size_t i = 0; i < nodes.size(); ++i)
    if (color[i] == 0) visit(i);
}

// Node names: valid and unique; fills index.nodes.
void IndexNodes(const json& nodes, LabIndex& index, FieldErrors& errs) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    std::string path = At("spec.nodes", i);
    if (!ExpectObject(nodes[i], path, errs)) continue;
    const json* name = Find(nodes[i], "name");
    if (!name) {
      errs.Add(Child(path, "name"), "required");
    } else if (ExpectDnsLabel(*name, Child(path, "name"), errs) &&
               !index.nodes.emplace(name->get<std::string>(), i).second) {
      errs.Add(Child(path, "name"), "duplicate node name " + Show(*name));
    }
  }
}

}  // namespace

void ValidateNodes(const json& spec, LabIndex& index, FieldErrors& errs) {
  const json* nodes = Find(spec, "nodes");
  if (!nodes || (nodes->is_array() && nodes->empty())) {
    if (index.provider == "docker")
      errs.Add("spec.nodes", "required: a lab needs at least one node");
    return;
  }
  if (!ExpectArray(*nodes, "spec.nodes", errs)) return;
  IndexNodes(*nodes, index, errs);
  AddressBook book;
  std::vector<NodeFacts> facts(nodes->size());
  for (size_t i = 0; i < nodes->size(); ++i) {
    const json& node = (*nodes)[i];
    if (!node.is_object()) continue;
    std::string path = At("spec.nodes", i);
    facts[i].name = NodeName(node);
    ValidateNodeFields(node, path, index.provider == "docker", errs);
    ValidateInterfaces(node, path, index, book, facts[i], errs);
    if (const json* nat = Find(node, "nat")) ValidateNat(*nat, Child(path, "nat"), facts[i], errs);
  }
  for (size_t i = 0; i < nodes->size(); ++i) {
    const json* gw = Find((*nodes)[i], "defaultGateway");
    if (gw)
      ValidateDefaultGateway(*gw, Child(At("spec.nodes", i), "defaultGateway"), facts[i], facts,
                             index, errs);
  }
  ValidateDependsOn(*nodes, index, errs);
}

}  // namespace labctl::api
