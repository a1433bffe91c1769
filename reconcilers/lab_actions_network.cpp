// DockerLabActions::Inspect and ::Reset: the lab actions that read or restore a node's network
// state from the host, inside the node's namespaces (see lab_actions.h).
#include <spdlog/spdlog.h>

#include "reconcilers/docker/naming.h"
#include "reconcilers/lab_actions.h"
#include "reconcilers/lab_model.h"
#include "reconcilers/net/conntrack.h"
#include "reconcilers/net/nat.h"
#include "reconcilers/net/netns.h"
#include "reconcilers/net/process.h"
#include "reconcilers/node_processes.h"

namespace labctl::reconcilers {

using api::json;
using api::Status;

namespace {

// One host tool's view of the namespace: its JSON output parsed when it is JSON, else the text.
json ToolOutput(const std::vector<std::string>& argv) {
  auto r = net::RunProcess(argv);
  if (!r.ok()) return r.status().message();
  if (r->exit_code != 0) return "exit " + std::to_string(r->exit_code) + ": " + r->err;
  json parsed = json::parse(r->out, nullptr, /*allow_exceptions=*/false);
  return parsed.is_discarded() ? json(r->out) : parsed;
}

api::Result<json> NetworkState(int pid) {
  auto ns = net::Netns::OpenPid(pid);
  if (!ns.ok()) return ns.status();
  json state = json::object();
  LABCTL_RETURN_IF_ERROR(ns->Run([&]() -> Status {
    state["addresses"] = ToolOutput({"ip", "-j", "address", "show"});
    state["routes"] = ToolOutput({"ip", "-j", "route", "show"});
    state["routes6"] = ToolOutput({"ip", "-j", "-6", "route", "show"});
    state["qdiscs"] = ToolOutput({"tc", "-j", "qdisc", "show"});
    state["iptables"] = ToolOutput({"iptables-save"});
    state["ip6tables"] = ToolOutput({"ip6tables-save"});
    return Status::Ok();
  }));
  return state;
}

}  // namespace

api::Result<json> DockerLabActions::Inspect(const std::string& lab, const Params& params,
                                            const server::Principal&) {
  auto node = params.count("node") ? params.at("node") : "";
  auto id = NodeContainer(lab, node);
  if (!id.ok()) return id.status();
  auto info = engine_.InspectContainer(*id);
  if (!info.ok()) return info.status();
  json container = json::parse(info->raw_json, nullptr, false);
  json out = {{"node", node}, {"container", container.is_discarded() ? json() : container}};
  auto network = NetworkState(info->pid);
  out["network"] = network.ok() ? *network : json(network.status().message());
  return out;
}

api::Result<json> DockerLabActions::Reset(const std::string& lab, const server::Principal& who) {
  auto object = store_.Get(api::Kind::kLab, lab);
  if (!object.ok()) return object.status();
  const LabModel model = ReadLabModel(*object);
  json nodes = json::array();
  Status first;
  for (const auto& node : model.nodes) {
    json entry = {{"name", node.name}};
    auto info = engine_.InspectContainer(docker::ContainerName(lab, node.name));
    if (!info.ok() || !info->running || info->pid <= 0 ||
        docker::LabelOf(info->labels, docker::kLabelUid) != model.uid) {
      entry["skipped"] = "not running";
      nodes.push_back(entry);
      continue;
    }
    // Processes first, so nothing re-adds state behind the restore.
    auto killed = KillExecStartedProcesses(info->pid);
    entry["processesKilled"] = killed.ok() ? *killed : 0;
    std::optional<std::string> baseline = baselines_ ? baselines_->Get(info->id) : std::nullopt;
    Status st = baseline ? net::ResetNetworkState(info->pid, *baseline) : [&] {
      auto ns = net::Netns::OpenPid(info->pid);
      return ns.ok() ? net::FlushConntrack(*ns) : ns.status();
    }();
    entry["rulesRestored"] = baseline.has_value() && st.ok();
    entry["conntrackFlushed"] = st.ok();
    // Routes, NAT, links and impairment as declared (also records a fresh baseline when the
    // one taken at start is missing, e.g. labd was restarted with another data dir).
    if (st.ok() && network_hook_) st = network_hook_(model, node, *info);
    entry["networkReapplied"] = st.ok() && static_cast<bool>(network_hook_);
    if (!st.ok()) {
      entry["error"] = st.message();
      if (first.ok()) first = st;
    }
    nodes.push_back(entry);
  }
  spdlog::info("lab={} reset by={} nodes={} ok={}", lab, who.user, nodes.size(), first.ok());
  if (!first.ok()) return Status::Internal("reset of lab " + lab + ": " + first.message());
  return json{{"lab", lab}, {"nodes", nodes}};
}

}  // namespace labctl::reconcilers
