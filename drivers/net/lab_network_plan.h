// Lab network plan: derives the arguments of the network calls for one node of a Lab from its
// typed spec (api/lab_spec.h): default gateways, static routes, NAT config, links and
// impairments. Pure functions, no system state; the docker provider puts the results in the
// realisation model, and the network hook feeds them, plus the container PIDs and MACs from
// Docker, to node_network.h, nat.h and impairment.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/lab_spec.h"
#include "api/status.h"
#include "drivers/net/impairment.h"
#include "drivers/net/nat.h"
#include "drivers/net/node_network.h"

namespace labctl::net {

// defaultGateway: the gateway node's IPv4 (and IPv6, when both have one) address on the first
// network the two share. Empty when the node has no defaultGateway; Invalid if unresolvable.
api::Result<std::vector<api::IpAddress>> DefaultGateways(const api::LabSpec& spec,
                                                         const api::LabNodeSpec& node);
std::vector<StaticRoute> StaticRoutes(const api::LabNodeSpec& node);

// The node's NAT (nullopt without `nat`). Full-cone's inside host is the node on the inside
// network whose defaultGateway is this node (the first one in spec order).
api::Result<std::optional<NatConfig>> NatFor(const api::LabSpec& spec,
                                             const api::LabNodeSpec& node);

// Missing impairment fields are 0; no impairment is the empty one (clears any earlier one).
Impairment ImpairmentFrom(const std::optional<api::ImpairmentSpec>& impairment);

struct LinkPlan {
  int index = 0;
  std::string node_a, ifname_a, node_b, ifname_b;
  std::vector<api::Cidr> addresses_a, addresses_b;  // ipv4 and ipv6, in that order
  std::optional<Impairment> impairment;             // applied to both ends
  int mtu = 0;                                      // both ends; 0: the kernel's default
  std::string mac_a = {}, mac_b = {};               // empty: the kernel's random MAC
};
std::vector<LinkPlan> Links(const api::LabSpec& spec);

}  // namespace labctl::net
