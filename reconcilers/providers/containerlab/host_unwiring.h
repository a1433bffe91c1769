// What provider containerlab made in the host namespace and in ext-containers for a lab, removed
// at teardown from the topology the lab was last prepared with (the Lab may be gone from the
// store, and labd may have restarted since): host ends of links (ours only: tagged), veths
// between bridges, labd's ends in ext-containers (which keep running), the host bridges labd
// made (tagged `bridge_tag`) and /run/netns links. Idempotent.
#pragma once

#include <string>

#include "api/status.h"
#include "drivers/docker/engine.h"

namespace labctl::clab {

api::Status UnwireHost(docker::DockerEngine& engine, const std::string& lab,
                       const std::string& topology_file, const std::string& bridge_tag);

}  // namespace labctl::clab
