#include "reconcilers/lab/lab_status.h"

#include <spdlog/spdlog.h>

#include "reconcilers/lab/lab_metrics.h"

namespace labctl::reconcilers {

using api::json;

json NodeStateToJson(const NodeState& n) {
  json j = {{"name", n.name},   {"containerID", n.container_id}, {"state", n.state},
            {"ready", n.ready}, {"addresses", n.addresses},      {"message", n.message}};
  if (!n.started_at.empty()) j["startedAt"] = n.started_at;
  if (!n.probe_since.empty()) j["probeSince"] = n.probe_since;
  if (n.netlab.is_object()) j["netlab"] = n.netlab;
  return j;
}

NodeState NodeStateFromJson(const json& j) {
  NodeState n;
  n.name = j.value("name", "");
  n.container_id = j.value("containerID", "");
  n.state = j.value("state", "Pending");
  n.ready = j.value("ready", false);
  if (j.contains("addresses") && j["addresses"].is_object())
    for (auto it = j["addresses"].begin(); it != j["addresses"].end(); ++it)
      if (it->is_string()) n.addresses[it.key()] = it->get<std::string>();
  n.message = j.value("message", "");
  n.started_at = j.value("startedAt", "");
  n.probe_since = j.value("probeSince", "");
  if (j.contains("netlab") && j["netlab"].is_object()) n.netlab = j["netlab"];
  return n;
}

std::map<std::string, NodeState> PreviousNodeStates(const json& lab) {
  std::map<std::string, NodeState> out;
  const json status = lab.value("status", json::object());
  if (!status.is_object() || !status.contains("nodes") || !status["nodes"].is_array()) return out;
  for (const auto& n : status["nodes"]) {
    if (!n.is_object()) continue;
    NodeState s = NodeStateFromJson(n);
    out[s.name] = s;
  }
  return out;
}

LabReport ReportForNodes(std::vector<NodeState> nodes, const std::string& previous_phase,
                         int64_t generation, const std::string& spec_hash) {
  LabReport r;
  r.spec_hash = spec_hash;
  r.generation = generation;
  size_t running = 0, ready = 0;
  const NodeState* failed = nullptr;
  const NodeState* unready = nullptr;
  for (const auto& n : nodes) {
    if (n.state == "running") ++running;
    if (n.ready) ++ready;
    if (!n.error_reason.empty() && !failed) failed = &n;
    if (!n.ready && !unready) unready = &n;
  }
  const size_t total = nodes.size();
  const std::string counts = std::to_string(ready) + "/" + std::to_string(total) + " nodes ready";
  r.provisioned = {"Provisioned", "True", "Provisioned",
                   std::to_string(running) + "/" + std::to_string(total) + " nodes running",
                   generation};
  r.ready = {"Ready", "True", "AllNodesReady", counts, generation};
  if (failed) {
    r.provisioned.status = "False";
    r.provisioned.reason = failed->error_reason;
    r.provisioned.message = "node " + failed->name + ": " + failed->message;
    r.phase = "Failed";
  } else if (running < total) {
    r.provisioned.status = "False";
    r.provisioned.reason = "Provisioning";
  }
  if (ready < total) {
    r.ready.status = "False";
    r.ready.reason = failed ? failed->error_reason : "NodesNotReady";
    r.ready.message = counts;
    if (unready && !unready->message.empty())
      r.ready.message += "; " + unready->name + ": " + unready->message;
  }
  if (r.phase.empty()) {
    if (ready == total)
      r.phase = "Ready";
    else if (previous_phase == "Ready" || previous_phase == "Degraded")
      r.phase = "Degraded";
    else
      r.phase = "Provisioning";
  }
  r.nodes = std::move(nodes);
  return r;
}

LabReport ReportDown(const std::string& phase, const std::string& reason,
                     const std::string& message, int64_t generation, const std::string& spec_hash) {
  LabReport r;
  r.phase = phase;
  r.spec_hash = spec_hash;
  r.generation = generation;
  r.provisioned = {"Provisioned", "False", reason, message, generation};
  r.ready = {"Ready", "False", reason, message, generation};
  return r;
}

LabReport ReportPassFailed(const json& lab, const api::Status& why) {
  const json status = lab.value("status", json::object());
  LabReport r = ReportDown("Failed", why.reason().empty() ? "ProviderFailed" : why.reason(),
                           why.message(), api::Generation(lab), status.value("specHash", ""));
  for (auto& [name, node] : PreviousNodeStates(lab)) r.nodes.push_back(node);
  return r;
}

namespace {

void ApplyReport(json& status, const LabReport& report, api::TimePoint now) {
  if (!status.is_object()) status = json::object();
  status["phase"] = report.phase;
  status["specHash"] = report.spec_hash;
  status["observedGeneration"] = report.generation;
  json nodes = json::array();
  for (const auto& n : report.nodes) nodes.push_back(NodeStateToJson(n));
  status["nodes"] = nodes;
  api::SetCondition(status, report.provisioned, now);
  api::SetCondition(status, report.ready, now);
  for (auto it = report.extra.begin(); it != report.extra.end(); ++it) status[it.key()] = *it;
}

}  // namespace

api::Status WriteLabReport(store::Store& store, const std::string& lab, const LabReport& report,
                           api::TimePoint now) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    auto current = store.Get(api::Kind::kLab, lab);
    if (!current.ok()) return current.status();
    json object = *current;
    json status = object.value("status", json::object());
    json before = status;
    ApplyReport(status, report, now);
    if (status == before) return api::Status::Ok();
    object["status"] = status;
    auto written = store.UpdateStatus(api::Kind::kLab, object);
    if (written.ok()) {
      RecordLabStatusChange(object, before, status, now);
      return api::Status::Ok();
    }
    if (written.status().reason() != "Conflict") return written.status();
  }
  return api::Status::Conflict("lab " + lab + ": status kept changing under us");
}

void WritePassFailed(store::Store& store, const json& lab, const api::Status& why,
                     api::TimePoint now) {
  auto st = WriteLabReport(store, api::Name(lab), ReportPassFailed(lab, why), now);
  if (!st.ok()) spdlog::warn("lab={} status write failed: {}", api::Name(lab), st.ToString());
}

}  // namespace labctl::reconcilers
