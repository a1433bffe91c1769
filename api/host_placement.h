// HostPlacement: which Host a Lab goes on (docs/hosts.md, "Placement"). Pure: it reads Host and
// Lab objects and decides; the caller writes status.host.
//
// A Host is a candidate for a Lab when its metadata.labels hold every pair of the Lab's
// spec.hostSelector, it is Ready, not spec.unschedulable, and placing the Lab keeps its placed
// labs and nodes within spec.capacity, and no Lab placed there has a Docker network whose subnet
// overlaps one of this Lab's (Docker refuses a second network on an address space in use: two
// copies of one lab, such as warm-pool spares, cannot share an engine). Among candidates the one
// with the fewest labs wins (then fewest nodes, then name). A Lab's node demand is its spec.nodes
// not left out by skipGroups, or, for providers whose nodes come from a topology, its status.nodes
// (0 before it first ran).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "api/host_spec.h"
#include "api/ip.h"
#include "api/object.h"

namespace labctl::api {

struct HostLoad {
  std::string name;
  json labels = json::object();
  HostSpec spec;
  bool ready = false;
  int labs = 0;   // Labs whose status.host is this Host
  int nodes = 0;  // their node demand
  std::vector<std::string> lab_names;
  // The subnets of the Docker networks of the Labs placed here (spec.networks), with the Lab.
  std::vector<std::pair<Cidr, std::string>> subnets;
};

// The load of every Host from the Labs' status.host.
std::vector<HostLoad> HostLoads(const std::vector<json>& hosts, const std::vector<json>& labs);

// status.host of a Lab ("" when not placed).
std::string LabHost(const json& lab);

struct Placement {
  std::string host;     // empty: none fits
  std::string why_not;  // when none fits: per Host why, for the Lab's condition
};

// Picks a Host for `lab` among `loads` and, when one fits, adds the Lab to its load.
Placement PlaceLab(const json& lab, std::vector<HostLoad>& loads);

}  // namespace labctl::api
