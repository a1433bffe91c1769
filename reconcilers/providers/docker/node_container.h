// NodeContainer: the container of one node of a Lab, found by its labels (lab, node and the
// Lab's uid), not by name: a lab adopted under the earlier naming scheme (docker/naming.h) is
// found too, and another Lab's container that happens to carry the name never is.
#pragma once

#include <string>

#include "api/status.h"
#include "drivers/docker/engine.h"

namespace labctl::reconcilers {

// NotFound when the node has no container (the lab is down, or it is not created yet).
api::Result<docker::ContainerInfo> InspectNodeContainer(docker::DockerEngine& engine,
                                                        const std::string& lab,
                                                        const std::string& uid,
                                                        const std::string& node);

}  // namespace labctl::reconcilers
