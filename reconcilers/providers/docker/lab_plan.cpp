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
                   LabelOf(n.labels, kLabelSpecHash) == want->hash &&
                   (n.name == want->docker_name || n.name == want->former_name) &&
                   !current.count(want->name);
    if (matches) {
      current[want->name] = &n;
      if (n.name != want->docker_name) plan.adopted_networks[want->name] = n.name;
    } else
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

// Whether the container is attached to exactly the networks its node declares (`named`: the
// model with the Docker names of the networks kept). Connecting is only done between create and
// the first start, so a container on other networks — labd died between create and the last
// connect, or someone ran `docker network disconnect` — is recreated. A node without interfaces
// runs on Docker's "none" network.
bool AttachedAsDeclared(const LabModel& named, const NodeModel& node,
                        const docker::ContainerSummary& c) {
  if (node.interfaces.empty()) return true;
  std::set<std::string> want;
  for (const auto& f : node.interfaces) {
    const NetworkModel* network = named.FindNetwork(f.network);
    want.insert(network ? network->docker_name : f.network);
  }
  return std::set<std::string>(c.networks.begin(), c.networks.end()) == want;
}

}  // namespace

void AdoptNetworkNames(LabModel& model, const LabPlan& plan) {
  for (auto& n : model.networks)
    if (auto it = plan.adopted_networks.find(n.name); it != plan.adopted_networks.end())
      n.docker_name = it->second;
}

LabPlan PlanLab(const LabModel& model, const std::vector<docker::ContainerSummary>& containers,
                const std::vector<docker::NetworkInfo>& networks, const LabRequests& requests) {
  LabPlan plan;
  std::set<std::string> new_networks = PlanNetworks(model, networks, plan);
  LabModel named = model;  // with the Docker names of the networks kept
  AdoptNetworkNames(named, plan);
  for (const auto& c : containers) {
    const std::string node_name = LabelOf(c.labels, kLabelNode);
    const NodeModel* node = model.FindNode(node_name);
    bool keep = node && LabelOf(c.labels, kLabelUid) == model.uid &&
                LabelOf(c.labels, kLabelSpecHash) == node->hash &&
                (c.name == node->container || c.name == node->former_name) &&
                !plan.keep.count(node_name) && !requests.recreate_nodes.count(node_name) &&
                !UsesAny(*node, new_networks) && AttachedAsDeclared(named, *node, c) &&
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
