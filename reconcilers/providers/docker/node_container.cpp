#include "reconcilers/providers/docker/node_container.h"

#include <utility>
#include <vector>

#include "drivers/docker/naming.h"
#include "reconcilers/lab/run_parallel.h"
#include "reconcilers/providers/docker/running_nodes.h"

namespace labctl::reconcilers {

namespace {

// The container that is the node: the running one when there are several.
const docker::ContainerSummary* Pick(const docker::ContainerSummary* current,
                                     const docker::ContainerSummary& candidate) {
  return !current || candidate.state == "running" ? &candidate : current;
}

}  // namespace

api::Result<docker::ContainerInfo> InspectNodeContainer(docker::DockerEngine& engine,
                                                        const std::string& lab,
                                                        const std::string& uid,
                                                        const std::string& node) {
  auto listed = engine.ListContainers(docker::NodeSelector(lab, uid, node));
  if (!listed.ok()) return listed.status();
  const docker::ContainerSummary* pick = nullptr;
  for (const auto& c : *listed) pick = Pick(pick, c);
  if (!pick)
    return api::Status::NotFound("node " + node + " of lab " + lab +
                                 " has no container (is the lab up?)");
  return engine.InspectContainer(pick->id);
}

api::Result<std::map<std::string, docker::ContainerInfo>> InspectNodeContainers(
    docker::DockerEngine& engine, const std::string& lab, const std::string& uid, int workers) {
  auto listed = engine.ListContainers(docker::LabUidSelector(lab, uid));
  if (!listed.ok()) return listed.status();
  std::map<std::string, const docker::ContainerSummary*> picked;
  for (const auto& c : *listed) {
    const std::string node = docker::LabelOf(c.labels, docker::kLabelNode);
    if (!node.empty()) picked[node] = Pick(picked[node], c);
  }
  const std::vector<std::pair<std::string, const docker::ContainerSummary*>> nodes(picked.begin(),
                                                                                   picked.end());
  std::vector<api::Result<docker::ContainerInfo>> infos(nodes.size(),
                                                        api::Status::Internal("not inspected"));
  RunParallel(nodes.size(), workers,
              [&](size_t i) { infos[i] = engine.InspectContainer(nodes[i].second->id); });
  std::map<std::string, docker::ContainerInfo> inspected;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!infos[i].ok()) return infos[i].status();
    inspected.emplace(nodes[i].first, std::move(*infos[i]));
  }
  return inspected;
}

LinkPeer FindLinkPeer(docker::DockerEngine& engine, const LabModel& lab, const std::string& peer) {
  if (lab.running) {
    const RunningNodes::Node known = lab.running->Find(peer);
    if (known.state == RunningNodes::State::kRunning) return {known.pid, false};
    if (known.state == RunningNodes::State::kStarting) return {0, true};
  }
  auto info = InspectNodeContainer(engine, lab.name, lab.uid, peer);
  if (!info.ok() || !info->running || info->pid <= 0) return {};
  return {info->pid, false};
}

}  // namespace labctl::reconcilers
