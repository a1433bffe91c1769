#include "reconcilers/providers/docker/lab_plan.h"

#include "drivers/docker/naming.h"

namespace labctl::reconcilers {

using docker::kLabelNetwork;
using docker::kLabelNode;
using docker::kLabelSpecHash;
using docker::kLabelUid;
using docker::LabelOf;

namespace {

std::set<std::string> PlanNetworks(const LabModel& model,
                                   const std::vector<docker::NetworkInfo>& networks,
                                   LabPlan& plan) {
  std::map<std::string, const docker::NetworkInfo*> current;
  for (const auto& n : networks) {
    const NetworkModel* want = nullptr;
    for (const auto& m : model.networks)
      if (m.name == LabelOf(n.labels, kLabelNetwork)) want = &m;
    bool matches = want && LabelOf(n.labels, kLabelUid) == model.uid &&
                   LabelOf(n.labels, kLabelSpecHash) == want->hash && n.name == want->docker_name &&
                   !current.count(want->name);
    if (matches)
      current[want->name] = &n;
    else
      plan.remove_networks.push_back(n);
  }
  std::set<std::string> recreated;
  for (const auto& m : model.networks)
    if (!current.count(m.name)) {
      plan.create_networks.push_back(m);
      recreated.insert(m.name);
    }
  return recreated;
}

bool UsesAny(const NodeModel& node, const std::set<std::string>& networks) {
  for (const auto& f : node.interfaces)
    if (networks.count(f.network)) return true;
  return false;
}

// A container that was never started and is not on all of its networks: labd died between
// create and the last connect. Connecting is only done before the first start, so recreate it.
bool HalfCreated(const LabModel& model, const NodeModel& node, const docker::ContainerSummary& c) {
  if (c.state != "created") return false;
  std::set<std::string> have(c.networks.begin(), c.networks.end());
  for (const auto& f : node.interfaces) {
    const NetworkModel* network = model.FindNetwork(f.network);
    if (!have.count(network ? network->docker_name : f.network)) return true;
  }
  return false;
}

}  // namespace

LabPlan PlanLab(const LabModel& model, const std::vector<docker::ContainerSummary>& containers,
                const std::vector<docker::NetworkInfo>& networks, const LabRequests& requests) {
  LabPlan plan;
  std::set<std::string> new_networks = PlanNetworks(model, networks, plan);
  for (const auto& c : containers) {
    const std::string node_name = LabelOf(c.labels, kLabelNode);
    const NodeModel* node = model.FindNode(node_name);
    bool keep = node && LabelOf(c.labels, kLabelUid) == model.uid &&
                LabelOf(c.labels, kLabelSpecHash) == node->hash && c.name == node->container &&
                !plan.keep.count(node_name) && !requests.recreate_nodes.count(node_name) &&
                !UsesAny(*node, new_networks) && !HalfCreated(model, *node, c) &&
                c.state != "dead" && c.state != "removing";
    if (!keep) {
      plan.remove_containers.push_back(c);
      continue;
    }
    plan.keep[node_name] = c;
    if (requests.restart_all && c.state == "running") plan.restart.push_back(c);
  }
  return plan;
}

}  // namespace labctl::reconcilers
