// The start order containerlab's `stages` / `wait-for` ask for, as labd realises it: a node's
// container is created only once the nodes it waits for reached the stage named — `create`: their
// containers run; `create-links`, `configure`, `healthy`: they are Ready (running, links wired,
// exec done). Whatever stage of its own a node names the wait in, labd holds the whole node
// until then (earlier than containerlab, never later). network-mode container:<node> waits for
// that node to run. A wait for stage `exit` and stage `exec` commands are not realised: causes.
// A wait that can never end (a cycle, counting that a Ready node needs its veth peers running)
// is a cause too.
#pragma once

#include <string>
#include <vector>

#include "api/status.h"
#include "reconcilers/providers/containerlab/topology.h"

namespace labctl::clab {

struct NodeWaits {
  std::vector<std::string> ready;    // Ready first
  std::vector<std::string> running;  // running first
};

NodeWaits WaitsOf(const Topology& topo, const Node& node);

// The node of the topology whose namespace a `container:<name>` network mode names, or "".
std::string NetworkModeNode(const Topology& topo, const Node& node);

// What of stages labctl does not realise, and waits that never end.
void CheckStartOrder(const Topology& topo, std::vector<api::Cause>& out);

}  // namespace labctl::clab
