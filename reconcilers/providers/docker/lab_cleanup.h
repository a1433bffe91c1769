// LabCleanup: removal of Docker objects by label — a whole lab (teardown, stop), the objects a
// lab no longer wants, and orphans (labctl-labelled objects whose Lab is gone or has another
// uid). Containers go first (force), then networks. Already-gone objects count as removed.
#pragma once

#include <string>

#include "api/status.h"
#include "drivers/docker/engine.h"
#include "reconcilers/lab/lab_provider.h"

namespace labctl::reconcilers {

// Removes every container and network labelled with `lab` (any uid); says how many there were.
api::Result<TornDown> RemoveLabObjects(docker::DockerEngine& engine, const std::string& lab);

// Removes every managed object for which keep(lab, uid) is false. Returns the number removed.
api::Result<int> RemoveOrphans(docker::DockerEngine& engine, const KeepOwner& keep);

// Removing something already gone is success.
inline api::Status IgnoreNotFound(const api::Status& s) {
  return s.code() == api::Code::kNotFound ? api::Status::Ok() : s;
}

}  // namespace labctl::reconcilers
