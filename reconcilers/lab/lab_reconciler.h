// LabReconciler: converges each Lab to its provider's engine (spec.provider; lab_provider.h),
// owning the provider-independent lifecycle.
//
// Level-triggered and stateless across restarts: each Reconcile(name) reads the Lab from the
// store and hands it to its provider, which compares it with what the engine holds and acts on
// the difference; nodes come up in dependsOn waves, with status.nodes, phase and the
// Provisioned/Ready conditions written as they go (lab_converge.h). A lab that should be down
// (OnDemand and not held, idle window over, or labctl.dev/stopped; up_decision.h) holds nothing
// on the engine and reports phase Stopped. A warm lab handed to another Session is reset first
// (Ready=False, reason Resetting; see lab_handover.h). Deletion goes through the
// labctl.dev/teardown finalizer. A Lab whose provider is not registered is left alone.
// The key kOrphanSweepKey (never a Lab name) removes orphans instead: each provider's objects of
// this labd whose Lab is gone or has another uid; it requeues itself every orphan_sweep_period.
// labd queues it at start and whenever the Docker engine (re)connects, so a labd with an empty
// store (a wiped data dir) still clears what it had left behind.
// Thread-safe: the controller never runs one name twice at once.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "api/clock.h"
#include "controller/runtime/event_recorder.h"
#include "controller/runtime/reconciler.h"
#include "reconcilers/lab/lab_provider.h"
#include "store/store.h"

namespace labctl::reconcilers {

// What placing a lab on a Host gave (LabReconcilerOptions::place).
struct LabPlacement {
  std::optional<api::json> lab;  // the Lab as stored, with status.host
  std::string waiting;           // when no Host fits now: why
};

struct LabReconcilerOptions {
  int workers = 8;  // nodes brought up at once per lab
  // Limits the orphan sweep and clean-up of labs not in the store to labs named with this
  // prefix (empty: every lab of this labd; the providers decide what is this labd's).
  std::string orphan_lab_prefix;
  // How often the orphan sweep repeats once it ran.
  std::chrono::milliseconds orphan_sweep_period{std::chrono::minutes(5)};
  // Readiness polling interval cap while a node is not ready.
  std::chrono::milliseconds max_poll{std::chrono::seconds(5)};
  // Gives a lab that should be up its Host before its first pass (labd: HostPlacer, docs/hosts.md).
  // A lab no Host takes waits: phase Pending, Ready=False reason Unschedulable, retried after
  // unschedulable_retry. Unset: labs are not placed.
  std::function<api::Result<LabPlacement>(const api::json& lab)> place;
  std::chrono::milliseconds unschedulable_retry{std::chrono::seconds(2)};
};

class LabReconciler : public runtime::Reconciler {
 public:
  // Lab names are DNS-1123 labels: this key can never be one.
  static constexpr char kOrphanSweepKey[] = "~orphan-sweep";

  LabReconciler(store::Store& store, LabProviders providers, const api::Clock& clock,
                runtime::EventRecorder* recorder, LabReconcilerOptions options = {});

  runtime::ReconcileResult Reconcile(const std::string& name) override;

  // Removes this labd's engine objects whose Lab no longer exists or has another uid (every
  // provider's; Reconcile(kOrphanSweepKey) runs it).
  api::Result<int> RemoveOrphans();
  // Labs this reconciler keeps per-lab state for (only labs that still exist).
  size_t TrackedLabs() const;

 private:
  runtime::ReconcileResult SweepOrphans();
  runtime::ReconcileResult ForgetGone(const std::string& name);
  runtime::ReconcileResult Teardown(LabProvider& provider, const api::json& lab);
  runtime::ReconcileResult BringDown(LabProvider& provider, const api::json& lab,
                                     const std::string& reason,
                                     std::optional<std::chrono::milliseconds> wake_after);
  runtime::ReconcileResult Converge(LabProvider& provider, const api::json& lab,
                                    std::optional<std::chrono::milliseconds> wake_after);
  runtime::ReconcileResult WaitForHost(const api::json& lab, const std::string& why);
  api::Status EnsureFinalizer(api::json& lab);
  void ForgetLiveApplied(const std::string& name);
  void Normal(const api::json& lab, const std::string& reason, const std::string& message);
  void Warning(const api::json& lab, const std::string& reason, const std::string& message);

  store::Store& store_;
  LabProviders providers_;
  const api::Clock& clock_;
  runtime::EventRecorder* recorder_;
  LabReconcilerOptions options_;
  mutable std::mutex live_mu_;
  std::map<std::string, int64_t> live_applied_;  // lab -> generation (see ConvergeContext)
};

}  // namespace labctl::reconcilers
