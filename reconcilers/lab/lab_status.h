// LabStatus: what the Lab reconciler reports — status.nodes, phase, specHash and the
// Provisioned/Ready conditions — and the conflict-safe status write. Other writers of a Lab's
// status (the SessionReconciler's heldBy/releasedAt) are preserved: every write re-reads the
// object and replaces only the fields this module owns.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/clock.h"
#include "api/object.h"
#include "store/store.h"

namespace labctl::reconcilers {

// A post-start step's status reason for "another node must run first" (a link peer): the node
// is waiting, not failed (NodeState::waiting).
inline constexpr char kWaitingForPeer[] = "WaitingForPeer";

struct NodeState {
  std::string name;
  std::string container_id;
  std::string state = "Pending";  // Pending | created | running | exited | Failed ...
  bool ready = false;
  std::map<std::string, std::string> addresses;  // network -> ipv4 (or ipv6)
  std::string message;
  std::string started_at;    // Docker's State.StartedAt when readiness was evaluated
  std::string probe_since;   // our clock: when probing of this start began
  std::string error_reason;  // non-empty: creating/starting failed (ImageNotFound, StartFailed)
  // Not failed, waiting for another node of the lab (a link peer to run): brought up again as
  // soon as other nodes came up, in the same pass. Not stored.
  bool waiting = false;
  // What netlab knows of the node (status.nodes[].netlab: device, mgmt, loopback, interfaces,
  // raw); null for other providers.
  api::json netlab;
};

api::json NodeStateToJson(const NodeState& n);
NodeState NodeStateFromJson(const api::json& j);
// status.nodes of a Lab object, by node name.
std::map<std::string, NodeState> PreviousNodeStates(const api::json& lab);

struct LabReport {
  std::string phase;
  std::string spec_hash;
  int64_t generation = 0;  // the generation this report observed
  std::vector<NodeState> nodes;
  api::Condition provisioned;
  api::Condition ready;
  api::json extra = api::json::object();  // other owned fields (observedRestartedAt, ...)
};

// Phase and conditions for an up lab from its node states.
LabReport ReportForNodes(std::vector<NodeState> nodes, const std::string& previous_phase,
                         int64_t generation, const std::string& spec_hash);
// Phase Stopped (or Terminating) with both conditions False for `reason`.
LabReport ReportDown(const std::string& phase, const std::string& reason,
                     const std::string& message, int64_t generation, const std::string& spec_hash);

// Phase Failed with both conditions False for `why` (its reason, e.g. ProviderUnavailable,
// NetlabCreateFailed or SubnetOverlaps, and message): the provider could not open a pass, or
// could not bring the lab's networks to its spec. The nodes keep their last reported states.
LabReport ReportPassFailed(const api::json& lab, const api::Status& why);

// Re-reads the Lab, applies the report to its status (keeping fields owned by others) and
// writes it; retries on Conflict. A write that would change nothing is skipped.
api::Status WriteLabReport(store::Store& store, const std::string& lab, const LabReport& report,
                           api::TimePoint now);

// WriteLabReport of ReportPassFailed(lab, why); a failed write is logged (the pass is retried).
void WritePassFailed(store::Store& store, const api::json& lab, const api::Status& why,
                     api::TimePoint now);

}  // namespace labctl::reconcilers
