// Processes of a node container that were started from outside its own process tree — by
// `docker exec` / `labctl exec` — found from the host through /proc and killed when a lab is
// reset, so the next user does not inherit a test's servers or background jobs.
//
// A process belongs to the container when its PID namespace is that of the container's init;
// it was started through exec when init is not among its ancestors (exec'd processes are
// children of the container runtime's shim, outside the container) or when its environment
// holds labd's exec marker (docker::kExecMarkerEnv): a daemon that a `labctl exec`'d shell
// detached, re-parented to init, is found by the marker. One detached by a plain `docker exec`
// cannot be told from init's own children and is kept.
#pragma once

#include <vector>

#include "api/status.h"

namespace labctl::reconcilers {

// Host PIDs of the container's processes (same PID namespace as `init_pid`) that do not
// descend from init or carry the exec marker (never init itself).
api::Result<std::vector<int>> ExecStartedProcesses(int init_pid);
// SIGKILLs them; returns how many were signalled.
api::Result<int> KillExecStartedProcesses(int init_pid);

}  // namespace labctl::reconcilers
