// NodeContainer: the container of one node of a Lab, found by its labels (lab, node and the
// Lab's uid), not by name: a lab adopted under the earlier naming scheme (docker/naming.h) is
// found too, and another Lab's container that happens to carry the name never is. A link peer is
// looked up in the pass's RunningNodes first (running_nodes.h).
#pragma once

#include <map>
#include <string>

#include "api/status.h"
#include "drivers/docker/engine.h"
#include "reconcilers/providers/docker/lab_model.h"

namespace labctl::reconcilers {

// NotFound when the node has no container (the lab is down, or it is not created yet).
api::Result<docker::ContainerInfo> InspectNodeContainer(docker::DockerEngine& engine,
                                                        const std::string& lab,
                                                        const std::string& uid,
                                                        const std::string& node);

// Every node container of the Lab (lab, uid), inspected: one list, then the inspects `workers` at
// a time (a 100-node lab asked node by node is 200 calls in a row). A node without a container
// is absent; of two containers of one node (being recreated) the running one counts.
api::Result<std::map<std::string, docker::ContainerInfo>> InspectNodeContainers(
    docker::DockerEngine& engine, const std::string& lab, const std::string& uid, int workers);

// A link peer as a node's hooks see it: its init pid when it runs (from the pass's RunningNodes
// when the pass knows it, else inspected), 0 when it does not run or when the pass is starting
// it (`starting`: its own hooks run once it runs and wire the link from its side).
struct LinkPeer {
  int pid = 0;
  bool starting = false;
};
LinkPeer FindLinkPeer(docker::DockerEngine& engine, const LabModel& lab, const std::string& peer);

}  // namespace labctl::reconcilers
