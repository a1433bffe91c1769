// LabReconciler: converges the local Docker engine to each Lab of provider docker.
//
// Level-triggered and stateless across restarts: each Reconcile(name) reads the Lab from the
// store and the lab's containers and networks from Docker (by label), and acts on the
// difference: networks first (plain bridges, masquerade off), then nodes — independent nodes in
// parallel (bounded workers), dependsOn and readiness gating the rest — writing status.nodes,
// phase and the Provisioned/Ready conditions as it goes. Objects with another uid, nodes no
// longer wanted and nodes whose NodeSpecHash changed are removed and recreated. A lab that
// should be down (OnDemand and not held, idle window over, or labctl.dev/stopped) holds no
// containers and reports phase Stopped. A warm lab handed to another Session is reset first
// (Ready=False, reason Resetting; see lab_handover.h). Deletion goes through the
// labctl.dev/teardown finalizer.
// The first Reconcile also removes orphans (managed objects whose Lab is gone or has another
// uid). Thread-safe: the controller never runs one name twice at once.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "api/clock.h"
#include "controller/runtime/event_recorder.h"
#include "controller/runtime/reconciler.h"
#include "drivers/docker/engine.h"
#include "reconcilers/lab/lab_bringup.h"
#include "reconcilers/lab/lab_reset.h"
#include "store/store.h"

namespace labctl::reconcilers {

struct LabReconcilerOptions {
  int workers = 8;  // containers created/started at once per lab
  // Called after each container start (interface names, routes, links). Empty: nothing.
  ContainerStartedHook on_container_started;
  // Returns the running nodes to their network baseline before a warm lab is reported Ready to
  // its next holder (lab_handover.h; labd: MakeLabResetStep). Empty: nothing to reset.
  LabResetStep reset_lab;
  // Orphan sweep on the first Reconcile, and clean-up of labs not in the store. Tests sharing a
  // dockerd limit both to their own labs with a name prefix (empty: every labctl-managed object
  // on the engine).
  bool remove_orphans_at_start = true;
  std::string orphan_lab_prefix;
  // Readiness polling interval cap while a node is not ready.
  std::chrono::milliseconds max_poll{std::chrono::seconds(5)};
};

class LabReconciler : public runtime::Reconciler {
 public:
  LabReconciler(store::Store& store, docker::DockerEngine& engine, const api::Clock& clock,
                runtime::EventRecorder* recorder, LabReconcilerOptions options = {});

  runtime::ReconcileResult Reconcile(const std::string& name) override;

  // Removes managed Docker objects whose Lab no longer exists or has another uid. Run once by
  // the first Reconcile; labd may also call it at start and after the event stream reconnects.
  api::Result<int> RemoveOrphans();
  // Labs this reconciler keeps per-lab state for (only labs that still exist).
  size_t TrackedLabs() const;

 private:
  runtime::ReconcileResult Teardown(const api::json& lab);
  runtime::ReconcileResult BringDown(const api::json& lab, const std::string& reason,
                                     std::optional<std::chrono::milliseconds> wake_after);
  runtime::ReconcileResult Converge(const api::json& lab,
                                    std::optional<std::chrono::milliseconds> wake_after);
  api::Status EnsureFinalizer(api::json& lab);
  void ForgetNetworkApplied(const std::string& name);
  void Normal(const api::json& lab, const std::string& reason, const std::string& message);
  void Warning(const api::json& lab, const std::string& reason, const std::string& message);

  store::Store& store_;
  docker::DockerEngine& engine_;
  const api::Clock& clock_;
  runtime::EventRecorder* recorder_;
  LabReconcilerOptions options_;
  std::once_flag orphans_once_;
  mutable std::mutex network_mu_;
  std::map<std::string, int64_t> network_applied_;  // lab -> generation (see ConvergeContext)
};

}  // namespace labctl::reconcilers
