#include "reconcilers/providers/docker/lab_network_hook.h"

#include <spdlog/spdlog.h>

#include <map>

#include "drivers/docker/naming.h"
#include "drivers/net/impairment.h"
#include "drivers/net/nat.h"
#include "drivers/net/node_network.h"
#include "reconcilers/providers/docker/node_container.h"

namespace labctl::reconcilers {
namespace {

using api::json;
using api::Status;

// MAC (as Docker assigned it per network) -> the interface name the model declares.
std::map<std::string, std::string> DesiredNames(const LabModel& lab, const NodeModel& node,
                                                const docker::ContainerInfo& info) {
  std::map<std::string, std::string> names;
  for (const auto& iface : node.interfaces) {
    for (const auto& ep : info.endpoints) {
      if (ep.mac.empty()) continue;
      if (lab.NetworkNameOf(ep.network) == iface.network) names[ep.mac] = iface.ifname;
    }
  }
  return names;
}

Status ApplyRoutes(const NodeModel& node, int pid) {
  LABCTL_RETURN_IF_ERROR(node.gateway_error);
  if (node.default_gateways.empty() && node.routes.empty()) return Status::Ok();
  return net::SetRoutes(pid, node.default_gateways, node.routes);
}

Status ApplyNodeNat(const NodeModel& node, int pid) {
  LABCTL_RETURN_IF_ERROR(node.nat_error);
  if (!node.nat) return Status::Ok();
  auto applied = net::ApplyNat(pid, *node.nat);
  return applied.ok() ? Status::Ok() : applied.status();
}

// status.links[index] = {endpoints, mechanism}: which impairment mechanism carries the link
// (netem, nfqueue, tbf or a combination). Other status fields are kept; retried on Conflict.
Status RecordLinkMechanism(store::Store& store, const std::string& lab, const net::LinkPlan& link,
                           const std::string& mechanism) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto object = store.Get(api::Kind::kLab, lab);
    if (!object.ok()) return object.status();
    json updated = *object;
    json& status = updated["status"];
    if (!status.is_object()) status = json::object();
    json links = status.value("links", json::array());
    if (!links.is_array()) links = json::array();
    while (links.size() <= static_cast<size_t>(link.index)) links.push_back(json::object());
    json entry = {
        {"endpoints", {link.node_a + ":" + link.ifname_a, link.node_b + ":" + link.ifname_b}},
        {"mechanism", mechanism}};
    if (links[link.index] == entry) return Status::Ok();
    links[link.index] = entry;
    status["links"] = links;
    auto written = store.UpdateStatus(api::Kind::kLab, updated);
    if (written.ok()) return Status::Ok();
    if (written.status().reason() != "Conflict") return written.status();
  }
  return Status::Conflict("lab " + lab + ": status kept changing while recording links");
}

// Interface-level impairment of the node itself; an interface without one is cleared (a live
// apply may have removed it).
Status ApplyInterfaceImpairments(const NodeModel& node, int pid) {
  for (const auto& iface : node.interfaces) {
    auto mechanism = net::ApplyImpairment(pid, iface.ifname, iface.impairment);
    if (!mechanism.ok()) return mechanism.status();
  }
  return Status::Ok();
}

// Wires every link of `node` whose peer container is running now (a peer the pass is starting
// wires the link from its side once it runs).
Status WireLinks(store::Store& store, docker::DockerEngine& engine, const LabModel& lab,
                 const std::string& node, int pid) {
  for (const auto& link : lab.links) {
    if (link.node_a != node && link.node_b != node) continue;
    const bool self_is_a = link.node_a == node;
    const NodeModel* peer = lab.FindNode(self_is_a ? link.node_b : link.node_a);
    if (peer == nullptr) continue;  // not part of the running lab
    const LinkPeer peer_container = FindLinkPeer(engine, lab, peer->name);
    if (peer_container.pid <= 0) continue;
    const int peer_pid = peer_container.pid;
    net::LinkEnd a{self_is_a ? pid : peer_pid, link.ifname_a, link.addresses_a, link.mtu,
                   link.mac_a};
    net::LinkEnd b{self_is_a ? peer_pid : pid, link.ifname_b, link.addresses_b, link.mtu,
                   link.mac_b};
    auto wired = net::WireLink(lab.name, link.index, a, b);
    if (!wired.ok()) return wired.status();
    // Without an impairment any earlier one is cleared (a live apply may have removed it); a
    // veth made just now has none to clear (spawning tc twice per link slows a bring-up).
    const net::Impairment impairment = link.impairment.value_or(net::Impairment{});
    std::string mechanism = "none";
    for (const auto* end : {&a, &b}) {
      if (wired->created && impairment.empty()) break;
      auto applied = net::ApplyImpairment(end->pid, end->ifname, impairment);
      if (!applied.ok()) return applied.status();
      mechanism = *applied;
      spdlog::debug("lab={} link={} iface={} impairment={}", lab.name, link.index, end->ifname,
                    *applied);
    }
    LABCTL_RETURN_IF_ERROR(RecordLinkMechanism(store, lab.name, link, mechanism));
  }
  return Status::Ok();
}

}  // namespace

ContainerStartedHook MakeLabNetworkHook(store::Store& store, docker::DockerEngine& engine,
                                        NetworkBaselines* baselines) {
  return [&store, &engine, baselines](const LabModel& lab, const NodeModel& node,
                                      const docker::ContainerInfo& info) -> Status {
    if (info.pid <= 0) return Status::Ok();
    LABCTL_RETURN_IF_ERROR(net::RenameInterfaces(info.pid, DesiredNames(lab, node, info)));
    LABCTL_RETURN_IF_ERROR(ApplyRoutes(node, info.pid));
    LABCTL_RETURN_IF_ERROR(ApplyNodeNat(node, info.pid));
    LABCTL_RETURN_IF_ERROR(ApplyInterfaceImpairments(node, info.pid));
    LABCTL_RETURN_IF_ERROR(WireLinks(store, engine, lab, node.name, info.pid));
    if (baselines != nullptr) {
      auto snapshot = net::SnapshotNetworkState(info.pid);
      if (!snapshot.ok()) return snapshot.status();
      LABCTL_RETURN_IF_ERROR(baselines->Put(info.id, *snapshot));
    }
    spdlog::debug("lab={} node={} network applied pid={}", lab.name, node.name, info.pid);
    return Status::Ok();
  };
}

}  // namespace labctl::reconcilers
