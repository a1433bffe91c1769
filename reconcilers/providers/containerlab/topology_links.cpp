// Link resolution: containerlab's brief and extended notations become typed links; endpoints
// are checked against the nodes and against each other.
#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "reconcilers/providers/containerlab/topology_internal.h"

namespace labctl::clab {

const char* LinkTypeName(LinkType t) {
  switch (t) {
    case LinkType::kVeth:
      return "veth";
    case LinkType::kDummy:
      return "dummy";
    case LinkType::kHost:
      return "host";
    case LinkType::kMgmtNet:
      return "mgmt-net";
  }
  return "veth";
}

namespace {

using api::Child;

// "node:interface" (split at the first colon, as containerlab does).
std::optional<Endpoint> SplitBrief(const std::string& text) {
  size_t colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) return std::nullopt;
  return Endpoint{text.substr(0, colon), text.substr(colon + 1), ""};
}

// The brief notation: two "node:if" strings; "host:if", "mgmt-net:if" or "macvlan:if" on either
// side makes it that link type.
std::optional<Link> FromBrief(const RawLink& raw, api::FieldErrors& errs) {
  std::string field = Child(raw.path, "endpoints");
  if (raw.brief_endpoints.size() != 2) {
    errs.Add(field,
             "must list exactly 2 endpoints, got " + std::to_string(raw.brief_endpoints.size()));
    return std::nullopt;
  }
  std::vector<Endpoint> eps;
  for (size_t i = 0; i < 2; ++i) {
    auto ep = SplitBrief(raw.brief_endpoints[i]);
    if (!ep) {
      errs.Add(api::At(field, i), "must be <node>:<interface>");
      return std::nullopt;
    }
    eps.push_back(*ep);
  }
  Link link;
  link.path = raw.path;
  link.brief = true;
  for (size_t i = 0; i < 2; ++i) {
    const std::string& special = eps[i].node;
    if (special != "host" && special != "mgmt-net" && special != "macvlan") continue;
    if (special == "macvlan") {
      errs.Add(api::At(field, i), "macvlan links are not supported by labctl");
      return std::nullopt;
    }
    link.type = special == "host" ? LinkType::kHost : LinkType::kMgmtNet;
    link.host_interface = eps[i].interface;
    link.endpoints = {eps[1 - i]};
    return link;
  }
  link.type = LinkType::kVeth;
  link.endpoints = eps;
  return link;
}

std::optional<Link> FromExtended(const RawLink& raw, api::FieldErrors& errs) {
  Link link;
  link.path = raw.path;
  auto endpoint = [](const RawEndpoint& e) { return Endpoint{e.node, e.interface, e.mac}; };
  if (raw.type == "veth") {
    if (raw.endpoints.size() != 2) {
      errs.Add(Child(raw.path, "endpoints"),
               "must list exactly 2 endpoints, got " + std::to_string(raw.endpoints.size()));
      return std::nullopt;
    }
    link.type = LinkType::kVeth;
    for (const auto& e : raw.endpoints) link.endpoints.push_back(endpoint(e));
    return link;
  }
  if (!raw.endpoint) return std::nullopt;  // reported by the parser
  link.endpoints = {endpoint(*raw.endpoint)};
  if (raw.type == "dummy") {
    link.type = LinkType::kDummy;
    return link;
  }
  link.type = raw.type == "host" ? LinkType::kHost : LinkType::kMgmtNet;
  link.host_interface = raw.host_interface;
  if (raw.host_interface.empty()) {
    errs.Add(Child(raw.path, "host-interface"), "required");
    return std::nullopt;
  }
  return link;
}

// Linux interface names: 1-15 characters, no '/', whitespace or ':'.
bool ValidInterfaceName(const std::string& name) {
  return !name.empty() && name.size() <= 15 && name != "." && name != ".." &&
         name.find_first_of("/: \t") == std::string::npos;
}

// Why `mac` cannot be an interface's address; empty: it can (six hex octets, unicast, not zero).
std::string MacProblem(const std::string& mac) {
  static const std::regex re("^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$");
  if (!std::regex_match(mac, re)) return "must be six hex octets like 02:00:00:00:00:01";
  if (std::stoi(mac.substr(0, 2), nullptr, 16) & 1)
    return "must be a unicast address (the first octet even), not " + mac;
  if (mac == "00:00:00:00:00:00") return "must not be all zeros";
  return "";
}

// Field path of the i-th endpoint of a link, in the notation it was written in.
std::string EndpointField(const RawLink& raw, size_t i) {
  if (raw.type.empty()) return api::At(Child(raw.path, "endpoints"), i);
  if (raw.type == "veth") return api::At(Child(raw.path, "endpoints"), i);
  return Child(raw.path, "endpoint");
}

void CheckEndpoints(const RawLink& raw, const Link& link, const Topology& topo,
                    std::map<std::pair<std::string, std::string>, std::string>& used,
                    std::map<std::string, std::string>& host_names, api::FieldErrors& errs) {
  for (size_t i = 0; i < link.endpoints.size(); ++i) {
    const Endpoint& ep = link.endpoints[i];
    // The brief host/mgmt-net form lists the node at either index; name the node's entry.
    size_t written = raw.type.empty() && link.type != LinkType::kVeth &&
                             SplitBrief(raw.brief_endpoints[0])->node != ep.node
                         ? 1
                         : i;
    std::string field = EndpointField(raw, written);
    auto node = topo.nodes.find(ep.node);
    if (node == topo.nodes.end()) {
      errs.Add(field, "unknown node \"" + ep.node + "\"");
      continue;
    }
    if (!ValidInterfaceName(ep.interface)) {
      errs.Add(field, "interface name \"" + ep.interface +
                          "\" must be 1-15 characters without '/', ':' or spaces");
      continue;
    }
    if (auto problem = ep.mac.empty() ? "" : MacProblem(ep.mac); !problem.empty())
      errs.Add(Child(field, "mac"), problem);
    const Node& n = node->second;
    if (n.OnMgmtNetwork() && ep.interface == "eth0")
      errs.Add(field,
               "eth0 is the management interface of " + ep.node + "; data links use other names");
    auto [it, fresh] = used.emplace(std::make_pair(ep.node, ep.interface), field);
    if (!fresh) errs.Add(field, ep.node + ":" + ep.interface + " is already used by " + it->second);
    // Bridge ports and host-kind ends live in the host namespace: their names must not clash.
    if (n.support == KindSupport::kBridge || n.support == KindSupport::kHost) {
      auto [h, ok] = host_names.emplace(ep.interface, field);
      if (!ok && h->second != field)
        errs.Add(field, "host interface " + ep.interface + " is already used by " + h->second);
    }
  }
  if (link.type == LinkType::kHost || link.type == LinkType::kMgmtNet) {
    std::string field =
        raw.type.empty() ? Child(raw.path, "endpoints") : Child(raw.path, "host-interface");
    if (!ValidInterfaceName(link.host_interface))
      errs.Add(field, "host interface name \"" + link.host_interface +
                          "\" must be 1-15 characters without '/', ':' or spaces");
    auto [h, ok] = host_names.emplace(link.host_interface, field);
    if (!ok)
      errs.Add(field, "host interface " + link.host_interface + " is already used by " + h->second);
  }
}

}  // namespace

std::vector<Link> ResolveLinks(const RawTopology& raw, const Topology& topo,
                               api::FieldErrors& errs) {
  std::vector<Link> links;
  std::map<std::pair<std::string, std::string>, std::string> used;  // (node, if) -> field
  std::map<std::string, std::string> host_names;                    // host-side name -> field
  // Host bridges already hold their names in the host namespace.
  for (const auto& [name, node] : topo.nodes)
    if (node.support == KindSupport::kBridge)
      host_names.emplace(name, Child("topology.nodes", name));
  if (!topo.mgmt.bridge.empty()) host_names.emplace(topo.mgmt.bridge, "mgmt.bridge");
  for (const auto& r : raw.links) {
    auto link = r.type.empty() ? FromBrief(r, errs) : FromExtended(r, errs);
    if (!link) continue;
    if (r.mtu) link->mtu = *r.mtu;
    link->labels = r.labels;
    CheckEndpoints(r, *link, topo, used, host_names, errs);
    links.push_back(std::move(*link));
  }
  return links;
}

}  // namespace labctl::clab
