#include "reconcilers/lab/lab_reconciler.h"

#include <spdlog/spdlog.h>

#include "drivers/docker/naming.h"
#include "reconcilers/lab/lab_cleanup.h"
#include "reconcilers/lab/lab_converge.h"
#include "reconcilers/lab/lab_model.h"
#include "reconcilers/lab/lab_status.h"

namespace labctl::reconcilers {

using api::json;
using runtime::ReconcileResult;

LabReconciler::LabReconciler(store::Store& store, docker::DockerEngine& engine,
                             const api::Clock& clock, runtime::EventRecorder* recorder,
                             LabReconcilerOptions options)
    : store_(store),
      engine_(engine),
      clock_(clock),
      recorder_(recorder),
      options_(std::move(options)) {}

api::Result<int> LabReconciler::RemoveOrphans() {
  const std::string& prefix = options_.orphan_lab_prefix;
  return reconcilers::RemoveOrphans(engine_, [&](const std::string& lab, const std::string& uid) {
    if (lab.rfind(prefix, 0) != 0) return true;  // outside our scope
    auto object = store_.Get(api::Kind::kLab, lab);
    if (!object.ok()) return object.status().code() != api::Code::kNotFound;  // unsure: keep
    return api::Uid(*object) == uid;
  });
}

ReconcileResult LabReconciler::Reconcile(const std::string& name) {
  std::call_once(orphans_once_, [&] {
    if (!options_.remove_orphans_at_start) return;
    auto removed = RemoveOrphans();
    if (!removed.ok())
      spdlog::warn("orphan sweep failed: {}", removed.status().ToString());
    else if (*removed > 0)
      spdlog::info("removed {} orphaned docker objects", *removed);
  });
  auto lab = store_.Get(api::Kind::kLab, name);
  if (!lab.ok()) {
    if (lab.status().code() != api::Code::kNotFound) return ReconcileResult::Error(lab.status());
    ForgetNetworkApplied(name);  // a deleted lab leaves nothing behind in memory
    // Docker events name labs of every labd on this engine: another labd's lab is not ours to
    // clean up (tests sharing a dockerd scope themselves with orphan_lab_prefix).
    if (name.rfind(options_.orphan_lab_prefix, 0) != 0) return ReconcileResult::Done();
    // Gone without our finalizer (or never ours): make sure Docker holds nothing of it.
    auto st = RemoveLabObjects(engine_, name);
    return st.ok() ? ReconcileResult::Done() : ReconcileResult::Error(st);
  }
  json object = *lab;
  if (object.value("spec", json::object()).value("provider", "docker") != "docker")
    return ReconcileResult::Done();
  if (api::IsBeingDeleted(object)) return Teardown(object);
  auto st = EnsureFinalizer(object);
  if (!st.ok()) return ReconcileResult::Error(st);
  UpDecision up = DecideUp(object, clock_.Now());
  if (!up.up) return BringDown(object, up.reason, up.wake_after);
  return Converge(object, up.wake_after);
}

api::Status LabReconciler::EnsureFinalizer(json& lab) {
  for (int attempt = 0; attempt < 5 && !api::HasFinalizer(lab, api::kTeardownFinalizer);
       ++attempt) {
    json updated = lab;
    if (!updated["metadata"].contains("finalizers") ||
        !updated["metadata"]["finalizers"].is_array())
      updated["metadata"]["finalizers"] = json::array();
    updated["metadata"]["finalizers"].push_back(api::kTeardownFinalizer);
    auto written = store_.Update(api::Kind::kLab, updated);
    if (written.ok()) {
      lab = *written;
      return api::Status::Ok();
    }
    if (written.status().reason() != "Conflict") return written.status();
    auto fresh = store_.Get(api::Kind::kLab, api::Name(lab));
    if (!fresh.ok()) return fresh.status();
    lab = *fresh;
  }
  return api::Status::Ok();
}

ReconcileResult LabReconciler::Teardown(const json& lab) {
  const std::string name = api::Name(lab);
  if (!api::HasFinalizer(lab, api::kTeardownFinalizer)) return ReconcileResult::Done();
  auto report = ReportDown("Terminating", "Terminating", "removing containers and networks",
                           api::Generation(lab), lab["status"].value("specHash", ""));
  (void)WriteLabReport(store_, name, report, clock_.Now());
  auto st = RemoveLabObjects(engine_, name);
  if (!st.ok()) {
    Warning(lab, "TeardownFailed", st.message());
    return ReconcileResult::Error(st);
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto current = store_.Get(api::Kind::kLab, name);
    if (!current.ok())
      return current.status().code() == api::Code::kNotFound
                 ? ReconcileResult::Done()
                 : ReconcileResult::Error(current.status());
    json updated = *current;
    json kept = json::array();
    for (const auto& f : updated["metadata"].value("finalizers", json::array()))
      if (f != api::kTeardownFinalizer) kept.push_back(f);
    updated["metadata"]["finalizers"] = kept;
    auto written = store_.Update(api::Kind::kLab, updated);
    if (written.ok() || written.status().code() == api::Code::kNotFound) {
      spdlog::info("lab={} torn down", name);
      return ReconcileResult::Done();
    }
    if (written.status().reason() != "Conflict") return ReconcileResult::Error(written.status());
  }
  return ReconcileResult::Error(api::Status::Conflict("lab " + name + ": finalizer removal"));
}

ReconcileResult LabReconciler::BringDown(const json& lab, const std::string& reason,
                                         std::optional<std::chrono::milliseconds> wake_after) {
  const std::string name = api::Name(lab);
  auto containers = engine_.ListContainers(docker::LabSelector(name));
  if (!containers.ok()) return ReconcileResult::Error(containers.status());
  auto networks = engine_.ListNetworks(docker::LabSelector(name));
  if (!networks.ok()) return ReconcileResult::Error(networks.status());
  if (!containers->empty() || !networks->empty()) {
    auto st = RemoveLabObjects(engine_, name);
    if (!st.ok()) {
      Warning(lab, "StopFailed", st.message());
      return ReconcileResult::Error(st);
    }
    Normal(lab, "Stopped",
           "removed " + std::to_string(containers->size()) + " containers (" + reason + ")");
  }
  std::string message = reason == "Stopped"       ? "stopped by labctl lab stop"
                        : reason == "IdleTimeout" ? "idle timeout passed after release"
                                                  : "OnDemand lab not held by a session";
  auto report =
      ReportDown("Stopped", reason, message, api::Generation(lab), ReadLabModel(lab).spec_hash);
  auto st = WriteLabReport(store_, name, report, clock_.Now());
  if (!st.ok()) return ReconcileResult::Error(st);
  return wake_after ? ReconcileResult::After(*wake_after) : ReconcileResult::Done();
}

void LabReconciler::ForgetNetworkApplied(const std::string& name) {
  std::lock_guard<std::mutex> l(network_mu_);
  network_applied_.erase(name);
}

size_t LabReconciler::TrackedLabs() const {
  std::lock_guard<std::mutex> l(network_mu_);
  return network_applied_.size();
}

ReconcileResult LabReconciler::Converge(const json& lab,
                                        std::optional<std::chrono::milliseconds> wake_after) {
  int64_t applied = 0;
  {
    std::lock_guard<std::mutex> l(network_mu_);
    applied = network_applied_[api::Name(lab)];
  }
  ConvergeContext ctx{store_,
                      engine_,
                      clock_,
                      options_,
                      [&](const std::string& reason, const std::string& message, bool warning) {
                        warning ? Warning(lab, reason, message) : Normal(lab, reason, message);
                      },
                      &applied};
  ReconcileResult result = ConvergeLab(ctx, lab);
  {
    std::lock_guard<std::mutex> l(network_mu_);
    network_applied_[api::Name(lab)] = applied;
  }
  if (result.status.ok() && !result.requeue_after && wake_after) result.requeue_after = wake_after;
  return result;
}

void LabReconciler::Normal(const json& lab, const std::string& reason, const std::string& message) {
  spdlog::info("lab={} reason={} {}", api::Name(lab), reason, message);
  if (recorder_) recorder_->Normal(lab, reason, message);
}

void LabReconciler::Warning(const json& lab, const std::string& reason,
                            const std::string& message) {
  spdlog::warn("lab={} reason={} {}", api::Name(lab), reason, message);
  if (recorder_) recorder_->Warning(lab, reason, message);
}

}  // namespace labctl::reconcilers
