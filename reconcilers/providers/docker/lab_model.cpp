#include "reconcilers/lab/lab_model.h"

#include <algorithm>

#include "api/lab_spec.h"
#include "api/spec_hash.h"
#include "drivers/docker/naming.h"

namespace labctl::reconcilers {
namespace {

using api::json;

NodeModel ReadNode(const json& spec, const api::LabNodeSpec& n) {
  NodeModel node;
  node.name = n.name;
  node.group = n.group;
  node.image = n.image;
  node.command = n.command;
  node.env = n.env;
  node.cap_add = n.cap_add;
  node.sysctls = n.sysctls;
  node.privileged = n.privileged;
  node.binds = n.binds;
  node.depends_on = n.depends_on;
  for (const auto& f : n.interfaces)
    node.interfaces.push_back({f.network, f.ipv4, f.ipv6, f.ifname});
  if (n.readiness)
    node.readiness = ReadinessModel{n.readiness->exec, n.readiness->period_seconds,
                                    n.readiness->timeout_seconds};
  node.hash = api::NodeSpecHash(spec, node.name);
  return node;
}

}  // namespace

const NodeModel* LabModel::FindNode(const std::string& node) const {
  for (const auto& n : nodes)
    if (n.name == node) return &n;
  return nullptr;
}

LabModel ReadLabModel(const json& lab) {
  LabModel m;
  m.name = api::Name(lab);
  m.uid = api::Uid(lab);
  m.generation = api::Generation(lab);
  const json spec = lab.value("spec", json::object());
  const api::LabSpec typed = api::ReadLabSpec(spec);
  m.provider = typed.provider;
  m.run_policy = typed.run_policy;
  m.idle_timeout_seconds = typed.idle_timeout_seconds;
  m.spec_hash = api::SpecHash(spec);
  // One typed network per entry of spec.networks, in order: the hash covers the entry as written.
  for (size_t i = 0; i < typed.networks.size(); ++i) {
    const auto& n = typed.networks[i];
    m.networks.push_back({n.name, n.subnet, n.ipv6_subnet, api::SpecHash(spec["networks"][i])});
  }
  for (const auto& n : typed.nodes)
    if (!typed.Skips(n)) m.nodes.push_back(ReadNode(spec, n));
  return m;
}

UpDecision DecideUp(const json& lab, api::TimePoint now) {
  if (api::Annotation(lab, kStoppedAnnotation) == "true") return {false, "Stopped", std::nullopt};
  const api::LabSpec spec = api::ReadLabObjectSpec(lab);
  if (spec.run_policy == "Always") return {true, "Always", std::nullopt};
  const json status = lab.value("status", json::object());
  if (!status.value("heldBy", "").empty()) return {true, "Held", std::nullopt};
  const int idle = spec.idle_timeout_seconds;
  api::TimePoint released;
  if (idle > 0 && api::ParseTime(status.value("releasedAt", ""), &released)) {
    auto until = released + std::chrono::seconds(idle);
    if (now < until)
      return {true, "KeepWarm",
              std::chrono::duration_cast<std::chrono::milliseconds>(until - now) +
                  std::chrono::milliseconds(100)};
    return {false, "IdleTimeout", std::nullopt};
  }
  return {false, "NotHeld", std::nullopt};
}

docker::ContainerSpec ContainerSpecFor(const LabModel& lab, const NodeModel& node) {
  docker::ContainerSpec c;
  c.name = docker::ContainerName(lab.name, node.name);
  c.image = node.image;
  c.cmd = node.command;
  c.env = node.env;
  c.cap_add = node.cap_add;
  c.sysctls = node.sysctls;
  c.privileged = node.privileged;
  c.binds = node.binds;
  c.labels = docker::ContainerLabels(lab.name, lab.uid, node.name, node.hash);
  if (!node.interfaces.empty()) {
    const auto& f = node.interfaces.front();
    c.network = docker::EndpointSpec{docker::NetworkName(lab.name, f.network), f.ipv4, f.ipv6};
  }
  return c;
}

}  // namespace labctl::reconcilers
