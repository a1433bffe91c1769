// HostPlacer: gives a Lab its Host (status.host) when it is first brought up, releases it when
// the lab is down, and tells the session queue whether a lab would fit now (docs/hosts.md).
//
// The choice is api::PlaceLab over every Host and the Labs already placed. Placements are
// serialised by a mutex, so two labs brought up at once never both take a Host's last free
// place. A lab keeps its Host while it holds anything on the engine (a lab's links are local to
// its engine); the Lab reconciler's stop (TearDown kStop) releases it, so an OnDemand lab frees
// its place with its last session. Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/object.h"
#include "api/status.h"
#include "reconcilers/lab/lab_reconciler.h"
#include "store/store.h"

namespace labctl::reconcilers {

class HostPlacer {
 public:
  explicit HostPlacer(store::Store& store) : store_(store) {}

  // Places `lab` unless it already has a Host (LabReconcilerOptions::place); errors are store
  // errors.
  api::Result<LabPlacement> Place(const api::json& lab);
  // Clears status.host of `lab` (it holds nothing on its engine any more).
  api::Status Release(const std::string& lab);
  // Empty when `lab` has a Host or one would take it now, after the labs in `admitted` (promoted
  // ahead of it, not yet placed) and every held lab still waiting for a Host took theirs; else
  // why not, per Host (for the session queue's waiting message).
  std::string WaitReason(const std::string& lab, const std::vector<std::string>& admitted);

 private:
  api::Status WriteHost(const std::string& lab, const std::string& host);

  store::Store& store_;
  std::mutex mu_;
};

}  // namespace labctl::reconcilers
