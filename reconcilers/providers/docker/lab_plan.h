// LabPlan: desired vs actual for one lab that should be up. Given the lab model and what Docker
// holds of this Lab (lab_cleanup.h: IsOfLab), decides which containers and networks to remove
// (other uid, no longer in the spec, spec hash changed, asked to be recreated, attached to a
// network that is being recreated, not attached to exactly its declared networks), which
// networks to create, which containers to keep, and which to restart. Objects under their
// former name (lab_model.h) are kept like the others. Pure: no I/O.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "drivers/docker/engine.h"
#include "reconcilers/lab/lab_provider.h"
#include "reconcilers/providers/docker/lab_model.h"

namespace labctl::reconcilers {

struct LabPlan {
  std::vector<docker::ContainerSummary> remove_containers;
  std::vector<docker::NetworkInfo> remove_networks;
  std::vector<NetworkModel> create_networks;
  std::map<std::string, docker::ContainerSummary> keep;  // node name -> its container
  std::vector<docker::ContainerSummary> restart;         // kept running containers to restart
  // Kept networks found under their former name: model name -> Docker name.
  std::map<std::string, std::string> adopted_networks;

  bool ChangesDocker() const {
    return !remove_containers.empty() || !remove_networks.empty() || !create_networks.empty() ||
           !restart.empty();
  }
};

LabPlan PlanLab(const LabModel& model, const std::vector<docker::ContainerSummary>& containers,
                const std::vector<docker::NetworkInfo>& networks, const LabRequests& requests);

// Gives the model's networks the Docker names the plan adopted.
void AdoptNetworkNames(LabModel& model, const LabPlan& plan);

}  // namespace labctl::reconcilers
