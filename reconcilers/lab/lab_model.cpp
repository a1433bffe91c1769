#include "reconcilers/lab/lab_model.h"

#include <algorithm>

#include "api/spec_hash.h"
#include "drivers/docker/naming.h"

namespace labctl::reconcilers {
namespace {

using api::json;

std::string Str(const json& j, const char* key, const std::string& def = "") {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : def;
}

int Int(const json& j, const char* key, int def) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int>() : def;
}

std::vector<std::string> Strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

docker::LabelMap StringMap(const json& j, const char* key) {
  docker::LabelMap out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_object()) return out;
  for (auto v = it->begin(); v != it->end(); ++v)
    out[v.key()] = v->is_string() ? v->get<std::string>() : v->dump();
  return out;
}

NodeModel ReadNode(const json& spec, const json& n) {
  NodeModel node;
  node.name = Str(n, "name");
  node.group = Str(n, "group");
  node.image = Str(n, "image");
  node.command = Strings(n, "command");
  node.env = StringMap(n, "env");
  node.cap_add = Strings(n, "capAdd");
  node.sysctls = StringMap(n, "sysctls");
  node.privileged = n.value("privileged", false);
  node.binds = Strings(n, "binds");
  node.depends_on = Strings(n, "dependsOn");
  if (n.contains("interfaces") && n["interfaces"].is_array()) {
    int i = 0;
    for (const auto& f : n["interfaces"]) {
      node.interfaces.push_back({Str(f, "network"), Str(f, "ipv4"), Str(f, "ipv6"),
                                 Str(f, "ifname", "eth" + std::to_string(i))});
      ++i;
    }
  }
  if (n.contains("readiness") && n["readiness"].is_object()) {
    const json& r = n["readiness"];
    node.readiness = ReadinessModel{Strings(r, "exec"), std::max(1, Int(r, "periodSeconds", 1)),
                                    std::max(1, Int(r, "timeoutSeconds", 60))};
  }
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
  m.provider = Str(spec, "provider", "docker");
  m.run_policy = Str(spec, "runPolicy", "OnDemand");
  m.idle_timeout_seconds = Int(spec, "idleTimeoutSeconds", 0);
  m.spec_hash = api::SpecHash(spec);
  auto skip = Strings(spec, "skipGroups");
  if (spec.contains("networks") && spec["networks"].is_array())
    for (const auto& n : spec["networks"])
      m.networks.push_back(
          {Str(n, "name"), Str(n, "subnet"), Str(n, "ipv6Subnet"), api::SpecHash(n)});
  if (spec.contains("nodes") && spec["nodes"].is_array())
    for (const auto& n : spec["nodes"]) {
      if (std::find(skip.begin(), skip.end(), Str(n, "group")) != skip.end() &&
          !Str(n, "group").empty())
        continue;
      m.nodes.push_back(ReadNode(spec, n));
    }
  return m;
}

UpDecision DecideUp(const json& lab, api::TimePoint now) {
  const json annotations =
      lab.value("metadata", json::object()).value("annotations", json::object());
  if (annotations.is_object() && annotations.value(kStoppedAnnotation, "") == "true")
    return {false, "Stopped", std::nullopt};
  const json spec = lab.value("spec", json::object());
  if (spec.value("runPolicy", "OnDemand") == "Always") return {true, "Always", std::nullopt};
  const json status = lab.value("status", json::object());
  if (!status.value("heldBy", "").empty()) return {true, "Held", std::nullopt};
  int idle = spec.value("idleTimeoutSeconds", 0);
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
