// DockerLabActions::Inspect and ::Reset: the lab actions that read or restore a node's network
// state from the host, inside the node's namespaces (see lab_actions.h; the reset itself is
// lab_reset.h, shared with the LabReconciler's warm hand-over).
#include <spdlog/spdlog.h>

#include "drivers/net/netns.h"
#include "drivers/net/process.h"
#include "reconcilers/providers/docker/docker_realisation.h"
#include "reconcilers/providers/docker/lab_actions.h"
#include "reconcilers/providers/docker/lab_reset.h"

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
                                            const api::Principal&) {
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

api::Result<json> DockerLabActions::Reset(const std::string& lab, const api::Principal& who) {
  auto object = store_.Get(api::Kind::kLab, lab);
  if (!object.ok()) return object.status();
  auto model = source_.Model(*object);
  if (!model.ok()) return model.status();
  LabResetReport report = ResetLabNetwork(engine_, *model, baselines_, network_hook_);
  json nodes = json::array();
  for (const auto& n : report.nodes) {
    json entry = {{"name", n.name}};
    if (!n.skipped.empty()) {
      entry["skipped"] = n.skipped;
    } else {
      entry["processesKilled"] = n.processes_killed;
      entry["rulesRestored"] = n.rules_restored;
      entry["conntrackFlushed"] = n.conntrack_flushed;
      entry["networkReapplied"] = n.network_reapplied;
      if (!n.status.ok()) entry["error"] = n.status.message();
    }
    nodes.push_back(entry);
  }
  spdlog::info("lab={} reset by={} nodes={} ok={}", lab, who.user, nodes.size(),
               report.status.ok());
  if (!report.status.ok())
    return Status::Internal("reset of lab " + lab + ": " + report.status.message());
  return json{{"lab", lab}, {"nodes", nodes}};
}

}  // namespace labctl::reconcilers
