// LabCleanup: which labctl-managed Docker objects are this labd's, and their removal by label — a
// whole lab (teardown, stop), and orphans (this instance's objects whose Lab is gone or has
// another uid). Containers go first (force), then networks. Already-gone objects count as
// removed.
//
// Ownership: labd stamps its instance name (dev.labctl.instance) on what it creates; labds
// sharing one engine touch only their own objects. An object without the label was made before
// instances existed: it belongs to the labd whose store holds its Lab with its uid (uids are
// unique to one store), which keeps and converges it; no labd removes it otherwise (labd logs it
// and `labctl doctor` lists it).
#pragma once

#include <functional>
#include <string>

#include "api/status.h"
#include "drivers/docker/engine.h"
#include "reconcilers/lab/lab_provider.h"

namespace labctl::reconcilers {

enum class Owner { kThis, kUnlabelled, kOther };
Owner OwnerOf(const docker::LabelMap& labels, const std::string& instance);
// Whether an object labelled with a lab belongs to that Lab (uid `uid`) of this labd: the Lab's
// own objects (any instance label, the uid is this store's) and this instance's objects of an
// earlier Lab of the same name (to be removed). An empty uid: only this instance's objects.
bool IsOfLab(const docker::LabelMap& labels, const std::string& instance, const std::string& uid);

using ObjectFilter = std::function<bool(const docker::LabelMap& labels)>;

// Removes every container and network labelled with `lab` for which `mine` is true; says how
// many there were.
api::Result<TornDown> RemoveLabObjects(docker::DockerEngine& engine, const std::string& lab,
                                       const ObjectFilter& mine);

// Removes every managed object for which `doomed` is true. Returns the number removed.
api::Result<int> RemoveOrphans(docker::DockerEngine& engine, const ObjectFilter& doomed);

// Removing something already gone is success.
inline api::Status IgnoreNotFound(const api::Status& s) {
  return s.code() == api::Code::kNotFound ? api::Status::Ok() : s;
}

}  // namespace labctl::reconcilers
