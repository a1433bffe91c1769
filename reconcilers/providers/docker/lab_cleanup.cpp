#include "reconcilers/providers/docker/lab_cleanup.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "drivers/docker/naming.h"
#include "reconcilers/lab/run_parallel.h"

namespace labctl::reconcilers {
namespace {

// Removes the given containers in parallel, then the networks; the first error wins.
api::Status RemoveAll(docker::DockerEngine& engine,
                      const std::vector<docker::ContainerSummary>& containers,
                      const std::vector<docker::NetworkInfo>& networks) {
  std::mutex mu;
  api::Status first;
  auto note = [&](const api::Status& s) {
    std::lock_guard<std::mutex> l(mu);
    if (!s.ok() && first.ok()) first = s;
  };
  RunParallel(containers.size(), 8, [&](size_t i) {
    note(IgnoreNotFound(engine.RemoveContainer(containers[i].id, true)));
  });
  RunParallel(networks.size(), 4,
              [&](size_t i) { note(IgnoreNotFound(engine.RemoveNetwork(networks[i].id))); });
  return first;
}

}  // namespace

api::Result<TornDown> RemoveLabObjects(docker::DockerEngine& engine, const std::string& lab) {
  auto containers = engine.ListContainers(docker::LabSelector(lab));
  if (!containers.ok()) return containers.status();
  auto networks = engine.ListNetworks(docker::LabSelector(lab));
  if (!networks.ok()) return networks.status();
  LABCTL_RETURN_IF_ERROR(RemoveAll(engine, *containers, *networks));
  return TornDown{static_cast<int>(containers->size()), static_cast<int>(networks->size())};
}

api::Result<int> RemoveOrphans(docker::DockerEngine& engine, const KeepOwner& keep) {
  auto containers = engine.ListContainers(docker::ManagedSelector());
  if (!containers.ok()) return containers.status();
  auto networks = engine.ListNetworks(docker::ManagedSelector());
  if (!networks.ok()) return networks.status();
  std::vector<docker::ContainerSummary> doomed_containers;
  std::vector<docker::NetworkInfo> doomed_networks;
  for (const auto& c : *containers)
    if (!keep(docker::LabelOf(c.labels, docker::kLabelLab),
              docker::LabelOf(c.labels, docker::kLabelUid)))
      doomed_containers.push_back(c);
  for (const auto& n : *networks)
    if (!keep(docker::LabelOf(n.labels, docker::kLabelLab),
              docker::LabelOf(n.labels, docker::kLabelUid)))
      doomed_networks.push_back(n);
  for (const auto& c : doomed_containers) spdlog::info("removing orphan container={}", c.name);
  for (const auto& n : doomed_networks) spdlog::info("removing orphan network={}", n.name);
  LABCTL_RETURN_IF_ERROR(RemoveAll(engine, doomed_containers, doomed_networks));
  return static_cast<int>(doomed_containers.size() + doomed_networks.size());
}

}  // namespace labctl::reconcilers
