// Internal to the containerlab topology resolver: the steps Resolve (topology.cpp) chains,
// each in its own file (nodes: topology_nodes.cpp, links: topology_links.cpp).
#pragma once

#include <string>

#include "api/field_errors.h"
#include "reconcilers/providers/containerlab/topology.h"

namespace labctl::clab {

// What containerlab's magic variables and relative paths of one node resolve against.
struct NodeContext {
  std::string topology_dir;
  std::string lab;
  std::string node;
};

// __clabNodeName__, __clabNodeDir__ and __clabDir__ replaced.
std::string ReplaceMagicVars(const std::string& text, const NodeContext& ctx);
// `path` made absolute against `base` and normalised; "~" paths are an error at `field`.
std::string ResolveHostPath(const std::string& path, const std::string& base,
                            const std::string& field, api::FieldErrors& errs);

Node ResolveNode(const RawTopology& raw, const std::string& name, const NodeContext& ctx,
                 api::FieldErrors& errs);
// Every stage wait-for names another node of the topology.
void CheckWaitFor(const Topology& topo, api::FieldErrors& errs);

std::vector<Link> ResolveLinks(const RawTopology& raw, const Topology& topo,
                               api::FieldErrors& errs);

}  // namespace labctl::clab
