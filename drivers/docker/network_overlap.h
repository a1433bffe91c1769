// Network overlap: which existing Docker networks share addresses with a network about to be
// created. Docker refuses such a create with only "Pool overlaps with other one on this address
// space"; labd names the other network instead, and the netlab provider skips a multilab id
// whose management subnet some network already covers. Pure: the caller lists the networks.
#pragma once

#include <string>
#include <vector>

#include "drivers/docker/engine.h"

namespace labctl::docker {

// "name (subnet)" for every network in `existing`, other than one named `spec.name`, with a
// subnet that overlaps spec.subnet or spec.ipv6_subnet, joined by ", "; empty when none does.
// Unparsable subnets never overlap.
std::string OverlappingNetworks(const std::vector<NetworkInfo>& existing, const NetworkSpec& spec);

// True when `st` is Docker's refusal of a network whose address pool overlaps another's.
bool IsPoolOverlap(const api::Status& st);

}  // namespace labctl::docker
