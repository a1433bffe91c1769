// LabProvider: what the Lab reconciler asks of "the provider of this Lab" (spec.provider).
//
// The reconciler owns the provider-independent lifecycle: the teardown finalizer, whether the
// lab should be up (up_decision.h), the order nodes come up in (dependsOn waves), status.nodes,
// phase, conditions and events (lab_status.h), and the warm hand-over record (lab_handover.h).
// A provider owns everything about realising the lab on its engine. Per convergence pass the
// reconciler opens a LabPass and drives it:
//
//   Open(lab) ─► pass.Nodes()                        the nodes the lab wants, in spec order
//            ─► pass.Converge(requests)              plan against the engine and apply removals,
//                                                    creations and restarts; the kept nodes
//            ─► pass.Reset()                         only when the lab changes hands warm
//            ─► pass.BringUp(node) per wave          make it run, probe readiness once
//            ─► pass.ApplyLive(node)                 once per generation: live spec changes
//            ─► pass.AllReady()                      when every node is Ready
//   TearDown(lab, uid, why)                          stop, delete, or a lab gone from the store
//   RemoveOrphans(keep), Actions()                   orphan sweep; exec/logs/capture/inspect/reset
//
// Providers record their own engine events (CreatedNode, RemovedNode, DockerError, ...) through
// the pass's LabEventSink; the reconciler records the lifecycle's (NodeReady, Resetting, ...).
// Docker-realised providers reuse reconcilers/providers/docker (docker_realisation.h) and only
// supply a model; docs/architecture.md "Lab providers" says how to add one.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "api/clock.h"
#include "api/lab_actions.h"
#include "api/object.h"
#include "api/status.h"
#include "reconcilers/lab/lab_status.h"

namespace labctl::reconcilers {

// What the lifecycle verbs asked of this pass (labctl lab recreate|restart; acted on once).
struct LabRequests {
  std::set<std::string> recreate_nodes;
  bool restart_all = false;
};

// A node as the lifecycle schedules it.
struct ProviderNode {
  std::string name;
  std::vector<std::string> depends_on;  // started only once all of these are Ready
  int poll_seconds = 1;                 // how soon to look again while it is not Ready
  // Started only once all of these run (their containers started; Ready or not).
  std::vector<std::string> depends_on_running = {};
};

// A node whose engine object the pass keeps, as the engine reported it.
struct KeptNode {
  std::string id;     // container id (status.nodes[].containerID)
  std::string state;  // created | running | exited | ...
};

// The reason of a network the engine refuses because another one already has its addresses.
inline constexpr char kSubnetOverlaps[] = "SubnetOverlaps";

// Records an Event on the Lab: (reason, message, warning?).
using LabEventSink =
    std::function<void(const std::string& reason, const std::string& message, bool warning)>;

// One convergence pass of a provider over one lab that should be up. BringUp and ApplyLive are
// called from several threads at once (one node each).
class LabPass {
 public:
  virtual ~LabPass() = default;
  virtual const std::vector<ProviderNode>& Nodes() const = 0;
  // Plans against what the engine holds and applies the plan: removes what the lab no longer
  // wants or asked to recreate, creates what it lacks besides nodes, restarts on request.
  // Returns the nodes whose objects are kept. An error fails the pass (retried with back-off);
  // the provider has recorded why. One with reason kSubnetOverlaps also fails the lab (phase
  // Failed, the message in its conditions): retrying cannot clear it, the user must.
  virtual api::Result<std::map<std::string, KeptNode>> Converge(const LabRequests& requests) = 0;
  // Returns every running node to its network baseline before the lab is handed to another
  // Session (lab_handover.h). An error keeps the lab not Ready (ResetFailed) and is retried.
  virtual api::Status Reset() = 0;
  // Makes the node run (starting from `previous`, its last reported state, and `kept`, its kept
  // object if any) and evaluates readiness once. Failures are node states (error_reason).
  virtual NodeState BringUp(const std::string& node, const std::optional<KeptNode>& kept,
                            const NodeState& previous, api::TimePoint now) = 0;
  // Whether ApplyLive does anything (if not, the reconciler never calls it).
  virtual bool AppliesLive() const { return false; }
  // Applies the spec's live state (links, impairment, routes...) to a running node that did not
  // start in this pass: a spec change that kept the containers. Idempotent.
  virtual api::Status ApplyLive(const std::string& node, const NodeState& state) {
    return api::Status::Ok();
  }
  // Every node is Ready (called on each pass that ends so; idempotent). An error reports the
  // lab not Ready (reason from the status) and is retried with back-off.
  virtual api::Status AllReady() { return api::Status::Ok(); }
};

// Why a lab's engine objects are removed.
enum class TearDownReason {
  kStop,    // the lab should be down (stopped, not held, idle timeout)
  kDelete,  // the Lab is being deleted (teardown finalizer)
  kGone,    // the Lab is not in the store (deleted without our finalizer, or never ours)
};

struct TornDown {
  int containers = 0;
  int others = 0;  // networks, bridges, ...
  bool any() const { return containers + others > 0; }
};

// Whether the engine objects of (lab, uid) belong to a Lab that exists.
using KeepOwner = std::function<bool(const std::string& lab, const std::string& uid)>;

class LabProvider {
 public:
  virtual ~LabProvider() = default;
  // Opens a convergence pass over `lab` (a Lab object whose spec.provider names this provider).
  // An error (the provider's own input cannot be realised) fails the pass.
  virtual api::Result<std::unique_ptr<LabPass>> Open(const api::json& lab, LabEventSink events) = 0;
  // Removes everything the Lab (name, uid) holds on the engine that is this labd's, and what
  // this labd made of earlier Labs of that name. For kGone the uid is empty: only what this labd
  // made. Harmless for a lab this provider never realised.
  virtual api::Result<TornDown> TearDown(const std::string& lab, const std::string& uid,
                                         TearDownReason why) = 0;
  // Removes this labd's engine objects whose Lab is gone (keep false). Returns how many. Objects
  // of other labds sharing the engine are never touched (docs/security.md: instances).
  virtual api::Result<int> RemoveOrphans(const KeepOwner& keep) = 0;
  // exec, logs, capture, inspect and reset for this provider's labs.
  virtual api::LabActions& Actions() = 0;
};

// spec.provider -> its provider (not owned). A Lab whose provider is not here is left alone.
using LabProviders = std::map<std::string, LabProvider*>;

}  // namespace labctl::reconcilers
