// The implicit Host of `labd --docker-host` (docs/hosts.md): labd creates the Host "local" for
// that engine at start, or sets the endpoint of the one it made before (its labels, capacity and
// unschedulable stay as the operator set them). So a labd with one engine places every lab on
// "local" and `labctl get hosts` shows it.
#pragma once

#include <string>

#include "api/status.h"
#include "store/store.h"

namespace labctl::reconcilers {

// `endpoint`: --docker-host, empty for $DOCKER_HOST or unix:///var/run/docker.sock.
api::Status EnsureLocalHost(store::Store& store, const std::string& endpoint);

}  // namespace labctl::reconcilers
