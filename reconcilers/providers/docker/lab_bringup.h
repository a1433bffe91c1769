// LabBringup: the per-node steps of bringing a lab up on Docker — create the container on its
// first network, connect the others before start, start it, read back its addresses, call the
// "container started" hooks (the network hook: interface names, routes, links; then the
// provider's own) — and the readiness probe. Failures become node states (state, message,
// error_reason), never exceptions.
#pragma once

#include <functional>
#include <optional>

#include "api/clock.h"
#include "drivers/docker/engine.h"
#include "reconcilers/lab/lab_status.h"
#include "reconcilers/providers/docker/lab_model.h"

namespace labctl::reconcilers {

// Called after every start of a node's container (by labd or anyone else), before readiness
// is evaluated: renames interfaces by MAC, sets routes, wires links. An error is shown on the
// node and retried on the next reconcile. Must be idempotent: the converge pass also calls it
// once per spec generation for running nodes that did not just start (live changes).
using ContainerStartedHook = std::function<api::Status(const LabModel& lab, const NodeModel& node,
                                                       const docker::ContainerInfo& container)>;

// What runs after every start of a node's container, in order. A failure of `network` is
// reason NetworkSetupFailed, of `after` PostStartFailed; both run again at the next pass.
struct StartHooks {
  ContainerStartedHook network;
  ContainerStartedHook after;
};

// Makes the node's container exist and run, starting from `previous` (its last reported state)
// and `existing` (the listed container, if any). Returns the new state; a fresh start resets
// readiness (ready=false, probe_since=now). Keeps lab.running (when set) up to date: the node
// is starting while its container starts, running (with its pid) before the hooks run.
NodeState EnsureNodeRunning(docker::DockerEngine& engine, const LabModel& lab,
                            const NodeModel& node,
                            const std::optional<docker::ContainerSummary>& existing,
                            const NodeState& previous, const StartHooks& hooks, api::TimePoint now);

// Runs the readiness probe once and updates `state` (no probe configured: ready at once). The
// attempt is killed after the probe's timeoutSeconds and counts as a failure.
void ProbeReadiness(docker::DockerEngine& engine, const NodeModel& node, NodeState& state,
                    api::TimePoint now);

}  // namespace labctl::reconcilers
