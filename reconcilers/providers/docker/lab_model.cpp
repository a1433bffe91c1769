#include "reconcilers/providers/docker/lab_model.h"

#include "drivers/docker/naming.h"

namespace labctl::reconcilers {

const NodeModel* LabModel::FindNode(const std::string& node) const {
  for (const auto& n : nodes)
    if (n.name == node) return &n;
  return nullptr;
}

const NetworkModel* LabModel::FindNetwork(const std::string& network) const {
  for (const auto& n : networks)
    if (n.name == network) return &n;
  return nullptr;
}

std::string LabModel::NetworkNameOf(const std::string& docker_name) const {
  for (const auto& n : networks)
    if (n.docker_name == docker_name || (!n.former_name.empty() && n.former_name == docker_name))
      return n.name;
  return docker_name;
}

namespace {

// The model's labels with labctl's own on top: they are how labctl finds its objects.
docker::LabelMap WithOwnLabels(docker::LabelMap labels, const docker::LabelMap& own) {
  for (const auto& [key, value] : own) labels[key] = value;
  return labels;
}

}  // namespace

docker::ContainerSpec ContainerSpecFor(const LabModel& lab, const NodeModel& node) {
  docker::ContainerSpec c;
  c.name = node.container;
  c.image = node.image;
  c.cmd = node.command;
  c.entrypoint = node.entrypoint;
  c.user = node.user;
  c.env = node.env;
  c.cap_add = node.cap_add;
  c.sysctls = node.sysctls;
  c.privileged = node.privileged;
  c.unconfined_system_paths = node.unconfined_system_paths;
  c.binds = node.binds;
  c.memory_bytes = node.memory_bytes;
  c.nano_cpus = node.nano_cpus;
  c.cpuset_cpus = node.cpuset_cpus;
  c.labels = WithOwnLabels(
      node.labels, docker::ContainerLabels(lab.name, lab.uid, node.name, node.hash, lab.instance));
  c.ports = node.ports;
  c.restart_policy = node.restart_policy;
  c.network_mode = node.network_mode;
  if (node.network_mode.empty() && !node.interfaces.empty()) {
    const auto& f = node.interfaces.front();
    const NetworkModel* network = lab.FindNetwork(f.network);
    c.network = docker::EndpointSpec{network ? network->docker_name : f.network, f.ipv4, f.ipv6};
  }
  return c;
}

docker::NetworkSpec NetworkSpecFor(const LabModel& lab, const NetworkModel& n) {
  docker::NetworkSpec spec;
  spec.name = n.docker_name;
  spec.subnet = n.subnet;
  spec.gateway = n.gateway;
  spec.ipv6_subnet = n.ipv6_subnet;
  spec.labels = WithOwnLabels(
      n.labels, docker::NetworkLabels(lab.name, lab.uid, n.name, n.hash, lab.instance));
  spec.options = n.options;
  spec.ipv6_gateway = n.ipv6_gateway;
  spec.ipv4_range = n.ipv4_range;
  spec.ipv6_range = n.ipv6_range;
  return spec;
}

}  // namespace labctl::reconcilers
