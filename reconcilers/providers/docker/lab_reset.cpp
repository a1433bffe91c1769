#include "reconcilers/providers/docker/lab_reset.h"

#include <spdlog/spdlog.h>

#include "drivers/docker/naming.h"
#include "drivers/net/conntrack.h"
#include "drivers/net/nat.h"
#include "drivers/net/netns.h"
#include "reconcilers/lab/run_parallel.h"
#include "reconcilers/providers/docker/node_container.h"
#include "reconcilers/providers/docker/node_processes.h"

namespace labctl::reconcilers {

using api::Status;

namespace {

constexpr int kResetWorkers = 8;  // as many nodes at once as a bring-up starts

NodeResetReport ResetNode(const LabModel& lab, const NodeModel& node,
                          const docker::ContainerInfo& info, NetworkBaselines* baselines,
                          const ContainerStartedHook& network_hook) {
  NodeResetReport r;
  r.name = node.name;
  auto killed = KillExecStartedProcesses(info.pid);
  r.processes_killed = killed.ok() ? *killed : 0;
  std::optional<std::string> baseline = baselines ? baselines->Get(info.id) : std::nullopt;
  Status st = baseline ? net::ResetNetworkState(info.pid, *baseline) : [&] {
    auto ns = net::Netns::OpenPid(info.pid);
    return ns.ok() ? net::FlushConntrack(*ns) : ns.status();
  }();
  r.rules_restored = baseline.has_value() && st.ok();
  r.conntrack_flushed = st.ok();
  if (st.ok() && network_hook) st = network_hook(lab, node, info);
  r.network_reapplied = st.ok() && static_cast<bool>(network_hook);
  r.status = st;
  return r;
}

}  // namespace

LabResetReport ResetLabNetwork(docker::DockerEngine& engine, const LabModel& lab,
                               NetworkBaselines* baselines,
                               const ContainerStartedHook& network_hook) {
  LabResetReport report;
  report.nodes.resize(lab.nodes.size());
  // Nodes are independent (as in bring-up, whose network hook runs per node at once): a warm
  // hand-over waits for the slowest node, not for the sum of them.
  RunParallel(lab.nodes.size(), kResetWorkers, [&](size_t i) {
    const NodeModel& node = lab.nodes[i];
    if (!node.OwnsNetworkNamespace()) {
      // Its namespace is the host's or another container's: not the lab's to reset.
      report.nodes[i].name = node.name;
      report.nodes[i].skipped = "network mode " + node.network_mode;
      return;
    }
    auto info = InspectNodeContainer(engine, lab.name, lab.uid, node.name);
    if (!info.ok() || !info->running || info->pid <= 0) {
      report.nodes[i].name = node.name;
      report.nodes[i].skipped = "not running";
      return;
    }
    report.nodes[i] = ResetNode(lab, node, *info, baselines, network_hook);
  });
  for (const auto& node : report.nodes) {
    const Status& st = node.status;
    if (!st.ok() && report.status.ok())
      report.status = Status(st.code(), st.reason(), "node " + node.name + ": " + st.message());
  }
  return report;
}

LabResetStep MakeLabResetStep(docker::DockerEngine& engine, NetworkBaselines* baselines,
                              ContainerStartedHook network_hook) {
  return [&engine, baselines, hook = std::move(network_hook)](const LabModel& lab) {
    return ResetLabNetwork(engine, lab, baselines, hook).status;
  };
}

}  // namespace labctl::reconcilers
