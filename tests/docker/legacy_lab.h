// CreateLegacyLab: a Lab's networks and containers made as labd made them before names were
// unambiguous and objects carried an instance label (labctl-<lab>-<node>, no
// dev.labctl.instance), started and wired — what an upgraded labd finds and must adopt.
#pragma once

#include <map>
#include <string>

#include "api/object.h"
#include "drivers/docker/engine.h"
#include "drivers/docker/naming.h"
#include "reconcilers/providers/docker/docker_provider.h"

namespace labctl::testing {

// Returns container name -> id of every node.
inline api::Result<std::map<std::string, std::string>> CreateLegacyLab(docker::DockerEngine& engine,
                                                                       const api::json& lab) {
  const reconcilers::LabModel model = reconcilers::ReadLabModel(lab);
  for (const auto& n : model.networks) {
    docker::NetworkSpec spec = reconcilers::NetworkSpecFor(model, n);
    spec.name = n.former_name;
    spec.labels.erase(docker::kLabelInstance);
    auto created = engine.CreateNetwork(spec);
    if (!created.ok()) return created.status();
  }
  std::map<std::string, std::string> ids;
  for (const auto& node : model.nodes) {
    docker::ContainerSpec spec = reconcilers::ContainerSpecFor(model, node);
    spec.name = docker::LegacyContainerName(model.name, node.name);
    spec.labels.erase(docker::kLabelInstance);
    if (spec.network)
      spec.network->network = docker::LegacyNetworkName(model.name, node.interfaces[0].network);
    auto id = engine.CreateContainer(spec);
    if (!id.ok()) return id.status();
    for (size_t i = 1; i < node.interfaces.size(); ++i) {
      const auto& f = node.interfaces[i];
      LABCTL_RETURN_IF_ERROR(engine.ConnectNetwork(
          *id, {docker::LegacyNetworkName(model.name, f.network), f.ipv4, f.ipv6}));
    }
    LABCTL_RETURN_IF_ERROR(engine.StartContainer(*id));
    ids[spec.name] = *id;
  }
  return ids;
}

}  // namespace labctl::testing
