#include "reconcilers/providers/docker/node_container.h"

#include "drivers/docker/naming.h"
#include "reconcilers/providers/docker/running_nodes.h"

namespace labctl::reconcilers {

api::Result<docker::ContainerInfo> InspectNodeContainer(docker::DockerEngine& engine,
                                                        const std::string& lab,
                                                        const std::string& uid,
                                                        const std::string& node) {
  auto listed = engine.ListContainers(docker::NodeSelector(lab, uid, node));
  if (!listed.ok()) return listed.status();
  // At most one normally; while a node is being recreated the running one is the node.
  const docker::ContainerSummary* pick = nullptr;
  for (const auto& c : *listed)
    if (!pick || c.state == "running") pick = &c;
  if (!pick)
    return api::Status::NotFound("node " + node + " of lab " + lab +
                                 " has no container (is the lab up?)");
  return engine.InspectContainer(pick->id);
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
