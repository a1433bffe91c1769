// The names, labels and environment containerlab gives a lab's containers, as pure functions.
//
// Tools built for containerlab (netlab status/connect/initial, `docker exec` scripts,
// exporters) find a lab's containers by these: container `<prefix>-<lab>-<node>` (prefix ""
// gives the bare node name, "__lab-name" gives `<lab>-<node>`), the labels containerlab,
// clab-node-name, clab-node-longname, clab-node-kind, clab-node-type, clab-node-group,
// clab-node-lab-dir, clab-topo-file, clab-owner, clab-mgmt-net-bridge, each label again in the
// environment as CLAB_LABEL_<KEY>, and CLAB_INTFS (the node's number of data links).
#pragma once

#include <string>
#include <string_view>

#include "reconcilers/providers/containerlab/topology.h"

namespace labctl::clab {

// "<prefix>-<lab>-<node>", or the node name when the prefix is "".
std::string ContainerName(std::string_view prefix, std::string_view lab, std::string_view node);
// The node's container; a kind ext-container node's is named as the node, as containerlab has it.
std::string ContainerName(const Topology& topo, const std::string& node);

// containerlab's lab directory (<topology dir>/clab-<lab>) and a node's directory in it.
std::string LabDir(const std::string& topology_dir, const std::string& lab);
std::string NodeDir(const std::string& topology_dir, const std::string& lab,
                    const std::string& node);

// containerlab's label key -> environment key: "clab-node-name" -> "CLAB_NODE_NAME".
std::string ToEnvKey(std::string_view key);

// What a label set depends on beyond the topology.
struct LabelContext {
  std::string owner;        // clab-owner: the user who deployed (containerlab: $SUDO_USER/$USER)
  std::string mgmt_bridge;  // clab-mgmt-net-bridge: the Linux bridge of the mgmt network
};

// The node's labels: its own (merged) labels with containerlab's on top.
StringMap ContainerLabels(const Topology& topo, const Node& node, const LabelContext& ctx);

// Number of data-link endpoints the node has (CLAB_INTFS).
int DataInterfaceCount(const Topology& topo, const std::string& node);

// The node's container environment as containerlab builds it: env-file values (`env_files`,
// already read, in the node's env_files order) < the node's env, then no_proxy/NO_PROXY
// listing the lab's nodes, static addresses and mgmt subnets, CLAB_LABEL_* for every label of
// `labels`, and CLAB_INTFS.
StringMap ContainerEnv(const Topology& topo, const Node& node, const StringMap& labels,
                       const StringMap& env_file_values = {});

// Parses an env file (containerlab reads them with godotenv): KEY=VALUE lines, `export `
// prefixes, # comments, single/double quoted values (double quotes understand \n, \", \\).
// BadRequest naming the line on a malformed line.
api::Result<StringMap> ParseEnvFile(const std::string& text);

}  // namespace labctl::clab
