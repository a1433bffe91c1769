#include "reconcilers/providers/containerlab/host_unwiring.h"

#include "api/text_file.h"
#include "drivers/net/host_bridge.h"
#include "drivers/net/node_network.h"
#include "reconcilers/providers/containerlab/bridge_links.h"
#include "reconcilers/providers/containerlab/clab_model.h"
#include "reconcilers/providers/containerlab/naming.h"

namespace labctl::clab {
namespace {

// labd's ends in ext-containers: they outlive the lab's own containers there.
api::Status UnwireExtContainers(docker::DockerEngine& engine, const std::string& lab,
                                const Topology& topo) {
  for (const auto& link : ExtContainerLinks(topo))
    for (const auto& [node, ifname] :
         {std::pair{link.node_a, link.ifname_a}, std::pair{link.node_b, link.ifname_b}}) {
      if (topo.nodes.at(node).support != KindSupport::kExtContainer) continue;
      auto info = engine.InspectContainer(node);
      if (!info.ok() || !info->running || info->pid <= 0) continue;
      LABCTL_RETURN_IF_ERROR(net::RemoveLinkEnd(lab, link.index, {info->pid, ifname, {}, 0, ""}));
    }
  return api::Status::Ok();
}

}  // namespace

api::Status UnwireHost(docker::DockerEngine& engine, const std::string& lab,
                       const std::string& topology_file, const std::string& bridge_tag) {
  auto topo = ParseTopology(api::ReadTextFileOrEmpty(topology_file), {topology_file, lab});
  if (!topo.ok()) return api::Status::Ok();  // never realised: nothing was made
  // The host ends go with their container's namespace, but not at once: removed here so that
  // none is left behind.
  for (const auto& link : HostEndLinks(*topo))
    LABCTL_RETURN_IF_ERROR(
        net::RemoveLinkEnd(lab, link.index, {net::HostPid(), link.host_ifname, {}, 0, ""}));
  LABCTL_RETURN_IF_ERROR(RemoveBridgeLinks(lab, BridgeLinks(*topo)));
  LABCTL_RETURN_IF_ERROR(UnwireExtContainers(engine, lab, *topo));
  for (const auto& [name, node] : topo->nodes) {
    if (node.support == KindSupport::kBridge) {
      auto removed = net::RemoveHostBridge(name, bridge_tag);
      if (!removed.ok()) return removed.status();
    } else if (node.HasContainer()) {
      auto unlinked = net::UnlinkNetns(ContainerName(*topo, name));
      if (!unlinked.ok()) return unlinked.status();
    }
  }
  return api::Status::Ok();
}

}  // namespace labctl::clab
