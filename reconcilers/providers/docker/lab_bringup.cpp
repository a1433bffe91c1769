#include "reconcilers/providers/docker/lab_bringup.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "drivers/docker/exec_runner.h"
#include "drivers/docker/naming.h"
#include "reconcilers/providers/docker/running_nodes.h"

namespace labctl::reconcilers {
namespace {

NodeState Failed(NodeState s, const std::string& reason, const std::string& message) {
  s.ready = false;
  s.error_reason = reason;
  s.message = message;
  return s;
}

std::string StartFailureMessage(const NodeModel& node, const std::string& docker_message) {
  bool wants_all = std::find(node.cap_add.begin(), node.cap_add.end(), "ALL") != node.cap_add.end();
  if (node.privileged || wants_all)
    return docker_message +
           " (this host refuses --privileged and capAdd ALL: list the capabilities the node "
           "needs, e.g. capAdd: [NET_ADMIN])";
  return docker_message;
}

// A start that dockerd was shutting down under can leave containerd holding a task of the
// container ("task ...: already exists") or a stale endpoint ("endpoint with name ... already
// exists in network"); every later start of that container fails the same way.
bool IsWedged(const api::Status& start_error) {
  return start_error.message().find("already exists") != std::string::npos;
}

void ReadAddresses(const LabModel& lab, const docker::ContainerInfo& info, NodeState& s) {
  s.addresses.clear();
  for (const auto& ep : info.endpoints) {
    std::string net = lab.NetworkNameOf(ep.network);
    if (!ep.ipv4.empty())
      s.addresses[net] = ep.ipv4;
    else if (!ep.ipv6.empty())
      s.addresses[net] = ep.ipv6;
  }
}

}  // namespace

NodeState EnsureNodeRunning(docker::DockerEngine& engine, const LabModel& lab,
                            const NodeModel& node,
                            const std::optional<docker::ContainerSummary>& existing,
                            const NodeState& previous, const StartHooks& hooks,
                            api::TimePoint now) {
  NodeState s = previous;
  s.name = node.name;
  s.error_reason.clear();
  s.waiting = false;
  std::string id = existing ? existing->id : "";
  const bool starting = !existing || existing->state != "running";
  // Starting from before the create: a peer's hook that looks this node up meanwhile skips it
  // (this node wires the link once it runs) instead of asking Docker, whose inspect of a
  // container being started blocks until that start is done (running_nodes.h).
  if (starting && lab.running) lab.running->Starting(node.name);
  if (!existing) {
    auto created = engine.CreateContainer(ContainerSpecFor(lab, node));
    if (!created.ok()) {
      if (lab.running) lab.running->Forget(node.name);
      bool no_image =
          created.status().message().find("not found: build or load") != std::string::npos;
      s.state = "Failed";
      return Failed(s, no_image ? "ImageNotFound" : "CreateFailed", created.status().message());
    }
    id = *created;
    for (size_t i = 1; i < node.interfaces.size(); ++i) {
      const auto& f = node.interfaces[i];
      const NetworkModel* network = lab.FindNetwork(f.network);
      auto st =
          engine.ConnectNetwork(id, {network ? network->docker_name : f.network, f.ipv4, f.ipv6});
      if (!st.ok()) {
        if (lab.running) lab.running->Forget(node.name);
        s.container_id = id;
        s.state = "created";
        return Failed(s, "ConnectFailed", "connecting " + f.network + ": " + st.message());
      }
    }
  }
  s.container_id = id;
  if (starting) {
    auto st = engine.StartContainer(id);
    if (!st.ok()) {
      if (lab.running) lab.running->Forget(node.name);
      s.state = "Failed";
      if (existing && IsWedged(st)) {
        // Never startable again: remove it so that the next pass creates it afresh.
        (void)engine.RemoveContainer(id, true);
        return Failed(s, "StartFailed", st.message() + " (container removed, created again)");
      }
      return Failed(s, "StartFailed", StartFailureMessage(node, st.message()));
    }
  }
  auto info = engine.InspectContainer(id);
  if (lab.running) {
    // Before the hooks: a peer starting meanwhile finds this node running (running_nodes.h).
    if (info.ok() && info->running && info->pid > 0)
      lab.running->Running(node.name, id, info->pid);
    else
      lab.running->Forget(node.name);
  }
  if (!info.ok()) return Failed(s, "InspectFailed", info.status().message());
  s.state = info->state;
  ReadAddresses(lab, *info, s);
  if (!info->running) return Failed(s, "StartFailed", "container exited: " + info->error);
  if (info->started_at != previous.started_at || previous.container_id != id) {
    // A new start: everything about readiness is evaluated from scratch.
    s.ready = false;
    s.started_at = info->started_at;
    s.probe_since = api::FormatTime(now);
    s.message = "started";
    for (const auto& [hook, reason] : {std::pair{&hooks.network, "NetworkSetupFailed"},
                                       std::pair{&hooks.after, "PostStartFailed"}}) {
      if (!*hook) continue;
      auto st = (*hook)(lab, node, *info);
      if (!st.ok()) {
        s.started_at.clear();  // run the hooks again next time
        if (st.reason() != kWaitingForPeer) return Failed(s, reason, st.message());
        s.waiting = true;
        s.message = st.message();
        return s;
      }
    }
  }
  return s;
}

void ProbeReadiness(docker::DockerEngine& engine, const NodeModel& node, NodeState& s,
                    api::TimePoint now) {
  if (!node.readiness || node.readiness->exec.empty()) {
    s.ready = true;
    s.message.clear();
    return;
  }
  // Each attempt is bounded by timeoutSeconds: a probe that hangs is killed (Docker cannot stop
  // an exec) instead of holding a reconcile worker.
  std::string out, err;
  docker::ExecControl control;
  control.timeout = std::chrono::seconds(node.readiness->timeout_seconds);
  auto r = docker::RunExec(engine, s.container_id, node.readiness->exec,
                           docker::CollectOutput(out, err), control);
  if (r.ok() && r->exit_code == 0) {
    s.ready = true;
    s.message.clear();
    return;
  }
  s.ready = false;
  std::string why =
      !r.ok() ? r.status().message()
      : r->timed_out
          ? "timed out after " + std::to_string(node.readiness->timeout_seconds) + "s (killed)"
          : "exit " + std::to_string(r->exit_code) + ": " +
                docker::LastLine(err.empty() ? out : err);
  api::TimePoint since = now;
  api::ParseTime(s.probe_since, &since);
  auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - since).count();
  if (waited >= node.readiness->timeout_seconds)
    s.message = "not ready after " + std::to_string(waited) + "s: readiness probe " + why;
  else
    s.message = "readiness probe: " + why;
}

}  // namespace labctl::reconcilers
