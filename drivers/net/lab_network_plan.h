// Lab network plan: reads a Lab spec (validated JSON) and derives the arguments of the network
// calls for one node: interface names, default gateways, static routes, NAT config, links and
// impairments. Pure functions, no system state; the LabReconciler feeds the results, plus the
// container PIDs and MACs it got from Docker, to node_network.h, nat.h and impairment.h.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/status.h"
#include "drivers/net/impairment.h"
#include "drivers/net/nat.h"
#include "drivers/net/node_network.h"

namespace labctl::net {

using json = nlohmann::json;

// The spec's node of that name, or nullptr.
const json* FindNode(const json& spec, const std::string& name);
// Interface name per interfaces[i]: its ifname, else eth<i>.
std::vector<std::string> InterfaceNames(const json& node);
// The node's interface name on `network`, or "" if it has none there.
std::string InterfaceOn(const json& node, const std::string& network);

// defaultGateway: the gateway node's IPv4 (and IPv6, when both have one) address on the first
// network the two share. Empty when the node has no defaultGateway; Invalid if unresolvable.
api::Result<std::vector<api::IpAddress>> DefaultGateways(const json& spec, const json& node);
std::vector<StaticRoute> StaticRoutes(const json& node);

// The node's NAT (nullopt without `nat`). Full-cone's inside host is the node on the inside
// network whose defaultGateway is this node (the first one in spec order).
api::Result<std::optional<NatConfig>> NatFor(const json& spec, const json& node);

// {delayMs, jitterMs, lossPercent, rateKbit}; missing fields are 0.
Impairment ImpairmentFrom(const json& impairment);

struct LinkPlan {
  int index = 0;
  std::string node_a, ifname_a, node_b, ifname_b;
  std::vector<api::Cidr> addresses_a, addresses_b;  // ipv4 and ipv6, in that order
  std::optional<Impairment> impairment;             // applied to both ends
};
std::vector<LinkPlan> Links(const json& spec);

}  // namespace labctl::net
