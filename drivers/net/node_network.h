// Node networking: the host-side operations the LabReconciler applies to a running node
// container, given the PID of its init process (from docker inspect).
//
// Every operation works from the Docker host inside the container's network namespace through
// rtnetlink (no process is spawned, the image needs no tools) and is idempotent: applying the
// same desired state twice changes nothing the second time, and applying it after a container
// restart restores it. NAT lives in nat.h, impairment in impairment.h.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/ip.h"
#include "api/status.h"

namespace labctl::net {

// Gives each interface (found by MAC, as Docker assigned it) its declared name. Renames that
// would collide (eth0 <-> eth1) go through a temporary name. Addresses and gateway routes the
// interfaces held are put back after the rename (a link goes down while renamed).
api::Status RenameInterfaces(int pid, const std::map<std::string, std::string>& mac_to_ifname);

struct StaticRoute {
  api::Cidr to;
  api::IpAddress via;
};

// Replaces the default route of each given gateway's family, and adds or replaces each static
// route. Routes not mentioned are left alone.
api::Status SetRoutes(int pid, const std::vector<api::IpAddress>& default_gateways,
                      const std::vector<StaticRoute>& routes);

struct LinkEnd {
  int pid = 0;                       // container init PID
  std::string ifname;                // interface name inside the container
  std::vector<api::Cidr> addresses;  // "10.1.1.1/30", "fd00:1::1/64"
  int mtu = 0;                       // 0: the kernel's default
  std::string mac;                   // empty: the kernel's random one
};

// The ifalias labctl puts on both ends of a link: "labctl:<lab>:link<index>".
std::string LinkTag(const std::string& lab, int link_index);

struct WireOutcome {
  bool created = false;  // false: both ends already existed and were only checked
};

// Makes the point-to-point link exist: a veth pair with one end in each container, named,
// addressed, up and tagged; an end with a `mac` gets it before it first goes up. A half-present
// link (one container was recreated) is replaced; an interface of that name that labctl did not
// create is a Conflict.
api::Result<WireOutcome> WireLink(const std::string& lab, int link_index, const LinkEnd& a,
                                  const LinkEnd& b);

// Deletes the link's ends (whichever still exist; a missing container counts as removed).
api::Status RemoveLink(const std::string& lab, int link_index, const LinkEnd& a, const LinkEnd& b);
// Deletes one end if it is the link's (tagged veth); an interface of that name that labctl did
// not create is left alone.
api::Status RemoveLinkEnd(const std::string& lab, int link_index, const LinkEnd& end);

// The addresses (not link-local) an interface of the namespace of `pid` holds, and adding them
// back (present ones are kept): what a node's own commands configured on a link end outlives the
// end's re-creation when its peer restarts.
api::Result<std::vector<api::Cidr>> InterfaceAddresses(int pid, const std::string& ifname);
api::Status AddInterfaceAddresses(int pid, const std::string& ifname,
                                  const std::vector<api::Cidr>& addresses);

// Makes a dummy interface `ifname` exist in the namespace of `pid`, up, with `mtu`, tagged
// `tag`: containerlab's `type: dummy` link. One already there is left as it is. A kernel without
// the dummy driver gets an ifb device instead (it too drops what is sent to it). An interface of
// that name of another kind is a Conflict. A non-empty `mac` is given to it.
api::Status EnsureDummyInterface(int pid, const std::string& ifname, int mtu,
                                 const std::string& tag, const std::string& mac = "");

struct TaggedLink {
  std::string ifname;
  std::string tag;
};
// The labctl-tagged interfaces in a namespace (crash recovery: find our own links again).
api::Result<std::vector<TaggedLink>> ListTaggedLinks(int pid);

}  // namespace labctl::net
