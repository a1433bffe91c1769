// The topology's links sorted by who wires them: the Docker realisation (veths between the
// lab's containers), the provider's host-end links, bridge-to-bridge veths, ext-container veths
// and dummy interfaces (clab_model.h).
#include "api/field_errors.h"
#include "reconcilers/providers/containerlab/clab_model.h"

namespace labctl::clab {
namespace {

using api::Child;

KindSupport SupportOfNode(const Topology& topo, const std::string& node) {
  auto it = topo.nodes.find(node);
  return it == topo.nodes.end() ? KindSupport::kLinux : it->second.support;
}
bool IsBridge(const Topology& topo, const std::string& node) {
  return SupportOfNode(topo, node) == KindSupport::kBridge;
}
// A kind host node: the host's own namespace.
bool IsHostNode(const Topology& topo, const std::string& node) {
  return SupportOfNode(topo, node) == KindSupport::kHost;
}
bool IsExt(const Topology& topo, const std::string& node) {
  return SupportOfNode(topo, node) == KindSupport::kExtContainer;
}
bool InHost(const Topology& topo, const Endpoint& e) {
  return IsBridge(topo, e.node) || IsHostNode(topo, e.node);
}

net::LinkPlan Veth(const Link& link, size_t index) {
  net::LinkPlan veth;
  veth.index = static_cast<int>(index);
  const Endpoint& a = link.endpoints[0];
  const Endpoint& b = link.endpoints[1];
  veth.node_a = a.node;
  veth.ifname_a = a.interface;
  veth.mac_a = a.mac;
  veth.node_b = b.node;
  veth.ifname_b = b.interface;
  veth.mac_b = b.mac;
  veth.mtu = link.mtu;
  return veth;
}

// The veth links `keep` selects, in topology order.
template <class Keep>
std::vector<net::LinkPlan> Veths(const Topology& topo, Keep keep) {
  std::vector<net::LinkPlan> out;
  for (size_t i = 0; i < topo.links.size(); ++i) {
    const Link& link = topo.links[i];
    if (link.type == LinkType::kVeth && keep(link.endpoints[0], link.endpoints[1]))
      out.push_back(Veth(link, i));
  }
  return out;
}

// A veth from node end `in` to the host-namespace end `host` (a bridge port or a host node's).
HostEndLink ToHost(const Link& link, int index, const Endpoint& in, const Endpoint& host,
                   const Topology& topo) {
  const bool bridge = IsBridge(topo, host.node);
  return {index,
          in.node,
          in.interface,
          host.interface,
          bridge ? HostEndLink::Attach::kBridgeNode : HostEndLink::Attach::kNone,
          bridge ? host.node : "",
          link.mtu,
          Child(link.path, "endpoints"),
          in.mac,
          host.mac};
}

}  // namespace

std::vector<HostEndLink> HostEndLinks(const Topology& topo) {
  using Attach = HostEndLink::Attach;
  std::vector<HostEndLink> out;
  for (size_t i = 0; i < topo.links.size(); ++i) {
    const Link& link = topo.links[i];
    const int index = static_cast<int>(i);
    const Endpoint& a = link.endpoints.at(0);
    if (link.type == LinkType::kHost || link.type == LinkType::kMgmtNet) {
      const Attach attach = link.type == LinkType::kHost ? Attach::kNone : Attach::kMgmtBridge;
      const std::string field = Child(link.path, link.brief ? "endpoints" : "host-interface");
      out.push_back(
          {index, a.node, a.interface, link.host_interface, attach, "", link.mtu, field, a.mac});
      continue;
    }
    if (link.type != LinkType::kVeth) continue;
    const Endpoint& b = link.endpoints.at(1);
    if (InHost(topo, a) && InHost(topo, b)) continue;  // between two bridges: BridgeLinks
    if (InHost(topo, a)) out.push_back(ToHost(link, index, b, a, topo));
    if (InHost(topo, b)) out.push_back(ToHost(link, index, a, b, topo));
  }
  return out;
}

std::vector<net::LinkPlan> BridgeLinks(const Topology& topo) {
  return Veths(topo, [&](const Endpoint& a, const Endpoint& b) {
    return IsBridge(topo, a.node) && IsBridge(topo, b.node);
  });
}

std::vector<net::LinkPlan> ExtContainerLinks(const Topology& topo) {
  return Veths(topo, [&](const Endpoint& a, const Endpoint& b) {
    return !InHost(topo, a) && !InHost(topo, b) && (IsExt(topo, a.node) || IsExt(topo, b.node));
  });
}

std::vector<net::LinkPlan> ContainerLinks(const Topology& topo) {
  return Veths(topo, [&](const Endpoint& a, const Endpoint& b) {
    for (const Endpoint* e : {&a, &b})
      if (InHost(topo, *e) || IsExt(topo, e->node)) return false;
    return true;
  });
}

std::vector<DummyLink> DummyLinks(const Topology& topo) {
  std::vector<DummyLink> out;
  for (size_t i = 0; i < topo.links.size(); ++i) {
    const Link& link = topo.links[i];
    if (link.type != LinkType::kDummy) continue;
    const Endpoint& ep = link.endpoints.at(0);
    out.push_back({static_cast<int>(i), ep.node, ep.interface, link.mtu, ep.mac});
  }
  return out;
}

}  // namespace labctl::clab
