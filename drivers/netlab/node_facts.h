// What netlab knows about each node of a created lab, for users (labctl describe, Lab status,
// the Neops facade's GET /lab/devices `raw`).
//
// Read from `netlab inspect --format json nodes` (the transformed topology netlab saved), with
// the device's Ansible group variables netlab wrote (group_vars/<device>/topology.json:
// ansible_network_os, ansible_connection, ansible_user...) and ansible_host added, so that `raw`
// matches what `netlab inspect --node <n>` prints for the node. Typed fields pick out the
// commonly shown ones: device, management address, loopback, data interfaces.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/status.h"
#include "drivers/netlab/netlab_cli.h"

namespace labctl::netlab {

struct InterfaceFacts {
  std::string ifname;  // eth1
  std::string ipv4;    // "10.1.0.1/30", empty when none
  std::string ipv6;
  std::string name;                    // netlab's description ("r1 -> r2")
  std::string type;                    // p2p, lan, stub
  std::vector<std::string> neighbors;  // neighbour node names
};

struct NodeFacts {
  std::string name;
  std::string device;    // linux, frr, ...
  std::string hostname;  // container name
  std::string image;     // netlab's "box"
  std::string mgmt_ipv4, mgmt_ipv6;
  std::string loopback_ipv4, loopback_ipv6;  // empty for hosts
  std::vector<InterfaceFacts> interfaces;
  nlohmann::json raw;  // the node as `netlab inspect --node` shows it
};

// The facts as Lab status shows them (status.nodes[].netlab): device, mgmt {ipv4, ipv6},
// loopback {ipv4, ipv6}, interfaces [{ifname, ipv4, ipv6, name, type, neighbors}], raw. Empty
// addresses are left out.
nlohmann::json NodeFactsToJson(const NodeFacts& facts);

// Builds the facts from the inspect output (`nodes_json`: node name -> node data) and the
// device group variables (`group_vars`: device -> variables; missing devices are skipped).
api::Result<std::map<std::string, NodeFacts>> ParseNodeFacts(
    const std::string& nodes_json, const std::map<std::string, nlohmann::json>& group_vars);

// Reads what `netlab create` dumped in `dir` (kNodesDumpFile; `netlab inspect` when there is
// none) and group_vars/<device>/topology.json there.
api::Result<std::map<std::string, NodeFacts>> ReadNodeFacts(const NetlabCli& cli,
                                                            const std::string& dir);

}  // namespace labctl::netlab
