// The management address plan of a containerlab topology, as a pure function.
//
// Every node on the management network gets its static mgmt-ipv4/mgmt-ipv6 when it has one;
// the others get addresses the way Docker's IPAM hands them out: the lowest free address of the
// subnet (or of ipv4-range/ipv6-range when set), skipping the network address, the gateway
// (ipv4-gw/ipv6-gw, else the subnet's first address), the IPv4 broadcast address and every
// static address. Nodes are served in name order, so the plan is deterministic (containerlab
// lets Docker allocate in creation order, which is not). A static address outside the subnet,
// on the gateway or used twice is an Invalid status naming topology.nodes.<n>.mgmt-ipv4.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "api/ip.h"
#include "api/status.h"
#include "reconcilers/providers/containerlab/topology.h"

namespace labctl::clab {

struct MgmtAddress {
  std::optional<api::IpAddress> ipv4, ipv6;  // nullopt: family not configured
  bool ipv4_static = false;
  bool ipv6_static = false;
};

struct MgmtPlan {
  std::optional<api::IpAddress> ipv4_gateway, ipv6_gateway;
  std::map<std::string, MgmtAddress> nodes;  // nodes on the management network only
};

api::Result<MgmtPlan> PlanMgmtAddresses(const Topology& topo);

}  // namespace labctl::clab
