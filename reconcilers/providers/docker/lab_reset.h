// LabReset: returns a lab's running nodes to their declared network baseline — the one reset core
// behind `labctl lab reset` (DockerLabActions::Reset) and the LabReconciler's warm hand-over from
// one Session to the next (lab_handover.h).
//
// For every node of the lab whose container runs and carries the lab's uid, in order:
//   1. kill the processes started through exec (first, so nothing re-adds state behind the
//      restore; node_processes.h);
//   2. restore the firewall/NAT snapshot NetworkBaselines holds for the container and flush
//      conntrack (without a snapshot: only flush conntrack);
//   3. re-apply the declared routes, NAT, links and impairment with the network hook (which also
//      records a fresh baseline when none was kept).
// Nodes are reset one after the other (the hook wires links to running peers). A node that fails
// does not stop the others; the first error is returned in the report. Thread-safe as far as
// the hook and NetworkBaselines are.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "api/status.h"
#include "drivers/docker/engine.h"
#include "reconcilers/providers/docker/lab_bringup.h"
#include "reconcilers/providers/docker/lab_model.h"
#include "reconcilers/providers/docker/network_baselines.h"

namespace labctl::reconcilers {

struct NodeResetReport {
  std::string name;
  std::string skipped;  // non-empty: left alone, and why ("not running")
  int processes_killed = 0;
  bool rules_restored = false;
  bool conntrack_flushed = false;
  bool network_reapplied = false;
  api::Status status;
};

struct LabResetReport {
  std::vector<NodeResetReport> nodes;
  api::Status status;  // the first node's error, if any
};

// `baselines` and `network_hook` may be null/empty: then step 2 only flushes conntrack and
// step 3 is skipped.
LabResetReport ResetLabNetwork(docker::DockerEngine& engine, const LabModel& lab,
                               NetworkBaselines* baselines,
                               const ContainerStartedHook& network_hook);

// The reset step as the LabReconciler takes it (LabReconcilerOptions::reset_lab); an error is
// shown on the Lab and retried.
using LabResetStep = std::function<api::Status(const LabModel& lab)>;

// labd's reset step: ResetLabNetwork on `engine` with `baselines` and `network_hook`.
LabResetStep MakeLabResetStep(docker::DockerEngine& engine, NetworkBaselines* baselines,
                              ContainerStartedHook network_hook);

}  // namespace labctl::reconcilers
