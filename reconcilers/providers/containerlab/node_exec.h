// A containerlab node's `exec` command run in its container (docker exec, argv only, no shell),
// bounded in time: a failure is a Status whose reason is ExecFailed and whose message carries the
// command, its exit code (or that it timed out) and the end of its output.
#pragma once

#include <string>
#include <vector>

#include "api/status.h"
#include "drivers/docker/engine.h"

namespace labctl::clab {

api::Status RunNodeExec(docker::DockerEngine& engine, const std::string& container,
                        const std::vector<std::string>& argv);

}  // namespace labctl::clab
