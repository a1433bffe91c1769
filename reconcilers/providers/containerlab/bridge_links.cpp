#include "reconcilers/providers/containerlab/bridge_links.h"

#include "drivers/net/host_bridge.h"
#include "drivers/net/node_network.h"

namespace labctl::clab {

api::Status EnsureBridgeLinks(const std::string& lab, const std::vector<net::LinkPlan>& links) {
  for (const auto& link : links) {
    const net::LinkEnd a{net::HostPid(), link.ifname_a, {}, link.mtu, link.mac_a};
    const net::LinkEnd b{net::HostPid(), link.ifname_b, {}, link.mtu, link.mac_b};
    auto wired = net::WireLink(lab, link.index, a, b);
    api::Status st =
        wired.ok() ? net::AttachToHostBridge(link.ifname_a, link.node_a) : wired.status();
    if (st.ok()) st = net::AttachToHostBridge(link.ifname_b, link.node_b);
    if (!st.ok())
      return api::Status(st.code(), "BridgeLinkFailed",
                         "link " + link.node_a + ":" + link.ifname_a + " - " + link.node_b + ":" +
                             link.ifname_b + ": " + st.message());
  }
  return api::Status::Ok();
}

api::Status RemoveBridgeLinks(const std::string& lab, const std::vector<net::LinkPlan>& links) {
  for (const auto& link : links)
    for (const auto& ifname : {link.ifname_a, link.ifname_b})  // deleting one end takes both
      LABCTL_RETURN_IF_ERROR(
          net::RemoveLinkEnd(lab, link.index, {net::HostPid(), ifname, {}, 0, ""}));
  return api::Status::Ok();
}

}  // namespace labctl::clab
