// A containerlab topology file as written: the raw model.
//
// ParseRawTopology reads the YAML text (through api/yaml.h) into plain structs that keep every
// level apart (topology.defaults, kinds, groups, nodes) and every value optional, so that the
// resolver (topology.h) can apply containerlab's inheritance. Parsing is strict: a field
// containerlab does not know, or one labctl does not realise, is an Invalid status whose causes
// name the field path (topology.nodes.r1.foo); a wrong type names the path too. Nothing here
// touches the file system.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/status.h"

namespace labctl::clab {

using StringMap = std::map<std::string, std::string>;

struct RawWaitFor {
  std::string node;
  std::string stage;  // empty: "create"
};

struct RawStageExec {
  std::string command;
  std::string target;  // "container" (default) or "host"
  std::string phase;   // "on-enter" (default) or "on-exit"
};

struct RawStage {
  std::vector<RawWaitFor> wait_for;
  std::vector<RawStageExec> exec;
};

// Stage name ("create", "create-links", "configure", "healthy", "exit") -> stage.
using RawStages = std::map<std::string, RawStage>;

// One node definition level: topology.defaults, kinds.<k>, groups.<g> or nodes.<n>.
struct RawNodeDefinition {
  std::optional<std::string> kind, type, group, image, cmd, entrypoint, user, network_mode,
      restart_policy, memory, cpu_set, mgmt_ipv4, mgmt_ipv6, runtime;
  std::optional<uint32_t> startup_delay;
  std::optional<double> cpu;
  std::optional<StringMap> env, labels, sysctls;
  std::optional<std::vector<std::string>> env_files, binds, exec, ports, cap_add;
  // Older containerlab's node-level wait-for (node names): kept as stages.create.wait-for.
  std::optional<std::vector<std::string>> wait_for;
  std::optional<RawStages> stages;
};

struct RawEndpoint {
  std::string node;
  std::string interface;
  std::string mac;
};

// A link in any of containerlab's notations. `type` is empty for the brief notation
// (endpoints: ["a:eth1", "b:eth1"]); the extended ones fill the fields of their type.
struct RawLink {
  std::string path;  // "topology.links[2]", for messages
  std::string type;
  std::vector<std::string> brief_endpoints;  // brief
  std::vector<RawEndpoint> endpoints;        // veth
  std::optional<RawEndpoint> endpoint;       // dummy, host, mgmt-net
  std::string host_interface;                // host, mgmt-net
  std::optional<int> mtu;
  StringMap labels;
};

struct RawMgmt {
  std::optional<std::string> network, bridge, ipv4_subnet, ipv6_subnet, ipv4_gw, ipv6_gw,
      ipv4_range, ipv6_range;
  std::optional<int> mtu;
  std::optional<bool> external_access;
};

struct RawTopology {
  std::optional<std::string> name;
  std::optional<std::string> prefix;
  RawMgmt mgmt;
  RawNodeDefinition defaults;
  std::map<std::string, RawNodeDefinition> kinds, groups, nodes;
  std::vector<RawLink> links;
};

// Parses a containerlab topology file. BadRequest on YAML syntax errors, Invalid (with one
// cause per bad field) on unknown, unsupported or mistyped fields.
api::Result<RawTopology> ParseRawTopology(const std::string& yaml_text);

}  // namespace labctl::clab
