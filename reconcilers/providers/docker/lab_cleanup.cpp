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

template <class T>
std::vector<T> Matching(const std::vector<T>& objects, const ObjectFilter& filter) {
  std::vector<T> out;
  for (const auto& o : objects)
    if (filter(o.labels)) out.push_back(o);
  return out;
}

}  // namespace

Owner OwnerOf(const docker::LabelMap& labels, const std::string& instance) {
  const std::string owner = docker::LabelOf(labels, docker::kLabelInstance);
  if (owner.empty()) return Owner::kUnlabelled;
  return owner == instance ? Owner::kThis : Owner::kOther;
}

bool IsOfLab(const docker::LabelMap& labels, const std::string& instance, const std::string& uid) {
  return (!uid.empty() && docker::LabelOf(labels, docker::kLabelUid) == uid) ||
         OwnerOf(labels, instance) == Owner::kThis;
}

api::Result<TornDown> RemoveLabObjects(docker::DockerEngine& engine, const std::string& lab,
                                       const ObjectFilter& mine) {
  auto containers = engine.ListContainers(docker::LabSelector(lab));
  if (!containers.ok()) return containers.status();
  auto networks = engine.ListNetworks(docker::LabSelector(lab));
  if (!networks.ok()) return networks.status();
  auto doomed_containers = Matching(*containers, mine);
  auto doomed_networks = Matching(*networks, mine);
  LABCTL_RETURN_IF_ERROR(RemoveAll(engine, doomed_containers, doomed_networks));
  return TornDown{static_cast<int>(doomed_containers.size()),
                  static_cast<int>(doomed_networks.size())};
}

api::Result<int> RemoveOrphans(docker::DockerEngine& engine, const ObjectFilter& doomed) {
  auto containers = engine.ListContainers(docker::ManagedSelector());
  if (!containers.ok()) return containers.status();
  auto networks = engine.ListNetworks(docker::ManagedSelector());
  if (!networks.ok()) return networks.status();
  auto doomed_containers = Matching(*containers, doomed);
  auto doomed_networks = Matching(*networks, doomed);
  for (const auto& c : doomed_containers) spdlog::info("removing orphan container={}", c.name);
  for (const auto& n : doomed_networks) spdlog::info("removing orphan network={}", n.name);
  LABCTL_RETURN_IF_ERROR(RemoveAll(engine, doomed_containers, doomed_networks));
  return static_cast<int>(doomed_containers.size() + doomed_networks.size());
}

}  // namespace labctl::reconcilers
