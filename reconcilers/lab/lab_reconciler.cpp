#include "reconcilers/lab/lab_reconciler.h"

#include <spdlog/spdlog.h>

#include "api/lab_spec.h"
#include "api/spec_hash.h"
#include "reconcilers/lab/lab_converge.h"
#include "reconcilers/lab/lab_metrics.h"
#include "reconcilers/lab/lab_status.h"
#include "reconcilers/lab/up_decision.h"

namespace labctl::reconcilers {

using api::json;
using runtime::ReconcileResult;

LabReconciler::LabReconciler(store::Store& store, LabProviders providers, const api::Clock& clock,
                             runtime::EventRecorder* recorder, LabReconcilerOptions options)
    : store_(store),
      providers_(std::move(providers)),
      clock_(clock),
      recorder_(recorder),
      options_(std::move(options)) {}

api::Result<int> LabReconciler::RemoveOrphans() {
  const std::string& prefix = options_.orphan_lab_prefix;
  auto keep = [&](const std::string& lab, const std::string& uid) {
    if (lab.rfind(prefix, 0) != 0) return true;  // outside our scope
    auto object = store_.Get(api::Kind::kLab, lab);
    if (!object.ok()) return object.status().code() != api::Code::kNotFound;  // unsure: keep
    return api::Uid(*object) == uid;
  };
  int removed = 0;
  for (const auto& [name, provider] : providers_) {
    auto r = provider->RemoveOrphans(keep);
    if (!r.ok()) return r.status();
    removed += *r;
  }
  return removed;
}

ReconcileResult LabReconciler::SweepOrphans() {
  auto removed = RemoveOrphans();
  if (!removed.ok()) {
    spdlog::warn("orphan sweep failed: {}", removed.status().ToString());
    return ReconcileResult::Error(removed.status());
  }
  if (*removed > 0) spdlog::info("removed {} orphaned engine objects", *removed);
  return ReconcileResult::After(options_.orphan_sweep_period);
}

ReconcileResult LabReconciler::Reconcile(const std::string& name) {
  if (name == kOrphanSweepKey) return SweepOrphans();
  auto lab = store_.Get(api::Kind::kLab, name);
  if (!lab.ok()) {
    if (lab.status().code() != api::Code::kNotFound) return ReconcileResult::Error(lab.status());
    return ForgetGone(name);
  }
  json object = *lab;
  auto provider = providers_.find(api::ReadLabObjectSpec(object).provider);
  if (provider == providers_.end()) return ReconcileResult::Done();
  if (api::IsBeingDeleted(object)) return Teardown(*provider->second, object);
  auto st = EnsureFinalizer(object);
  if (!st.ok()) return ReconcileResult::Error(st);
  UpDecision up = DecideUp(object, clock_.Now());
  if (!up.up) return BringDown(*provider->second, object, up.reason, up.wake_after);
  if (options_.place) {
    auto placed = options_.place(object);
    if (!placed.ok()) return ReconcileResult::Error(placed.status());
    if (!placed->lab) return WaitForHost(object, placed->waiting);
    object = std::move(*placed->lab);
  }
  return Converge(*provider->second, object, up.wake_after);
}

ReconcileResult LabReconciler::WaitForHost(const json& lab, const std::string& why) {
  const std::string message = "no host can take the lab now: " + why;
  auto report = ReportDown("Pending", "Unschedulable", message, api::Generation(lab),
                           lab.value("status", json::object()).value("specHash", ""));
  const json* ready = api::FindCondition(lab, "Ready");
  if (!ready || ready->value("reason", "") != "Unschedulable")
    Normal(lab, "Unschedulable", message);  // once per wait, not per retry
  auto st = WriteLabReport(store_, api::Name(lab), report, clock_.Now());
  if (!st.ok()) return ReconcileResult::Error(st);
  return ReconcileResult::After(options_.unschedulable_retry);
}

ReconcileResult LabReconciler::ForgetGone(const std::string& name) {
  ForgetLiveApplied(name);  // a deleted lab leaves nothing behind in memory
  if (name.rfind(options_.orphan_lab_prefix, 0) != 0) return ReconcileResult::Done();
  // Gone without our finalizer (or never ours): make sure no engine holds anything of it that
  // this labd made. (Engine events name labs of every labd sharing the engine.)
  for (const auto& [provider_name, provider] : providers_) {
    auto removed = provider->TearDown(name, "", TearDownReason::kGone);
    if (!removed.ok()) return ReconcileResult::Error(removed.status());
  }
  return ReconcileResult::Done();
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

ReconcileResult LabReconciler::Teardown(LabProvider& provider, const json& lab) {
  const std::string name = api::Name(lab);
  if (!api::HasFinalizer(lab, api::kTeardownFinalizer)) return ReconcileResult::Done();
  auto report = ReportDown("Terminating", "Terminating", "removing containers and networks",
                           api::Generation(lab), lab["status"].value("specHash", ""));
  (void)WriteLabReport(store_, name, report, clock_.Now());
  auto removed = provider.TearDown(name, api::Uid(lab), TearDownReason::kDelete);
  if (!removed.ok()) {
    Warning(lab, "TeardownFailed", removed.status().message());
    return ReconcileResult::Error(removed.status());
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
      RecordLabTeardown(lab, clock_.Now());
      spdlog::info("lab={} torn down", name);
      return ReconcileResult::Done();
    }
    if (written.status().reason() != "Conflict") return ReconcileResult::Error(written.status());
  }
  return ReconcileResult::Error(api::Status::Conflict("lab " + name + ": finalizer removal"));
}

ReconcileResult LabReconciler::BringDown(LabProvider& provider, const json& lab,
                                         const std::string& reason,
                                         std::optional<std::chrono::milliseconds> wake_after) {
  const std::string name = api::Name(lab);
  auto removed = provider.TearDown(name, api::Uid(lab), TearDownReason::kStop);
  if (!removed.ok()) {
    Warning(lab, "StopFailed", removed.status().message());
    return ReconcileResult::Error(removed.status());
  }
  if (removed->any())
    Normal(lab, "Stopped",
           "removed " + std::to_string(removed->containers) + " containers (" + reason + ")");
  std::string message = reason == "Stopped"            ? "stopped by labctl lab stop"
                        : reason == "IdleTimeout"      ? "idle timeout passed after release"
                        : reason == "WarmPoolTemplate" ? "template of a warm pool: its spares run"
                                                       : "OnDemand lab not held by a session";
  auto report = ReportDown("Stopped", reason, message, api::Generation(lab),
                           api::SpecHash(lab.value("spec", json::object())));
  auto st = WriteLabReport(store_, name, report, clock_.Now());
  if (!st.ok()) return ReconcileResult::Error(st);
  return wake_after ? ReconcileResult::After(*wake_after) : ReconcileResult::Done();
}

void LabReconciler::ForgetLiveApplied(const std::string& name) {
  std::lock_guard<std::mutex> l(live_mu_);
  live_applied_.erase(name);
}

size_t LabReconciler::TrackedLabs() const {
  std::lock_guard<std::mutex> l(live_mu_);
  return live_applied_.size();
}

ReconcileResult LabReconciler::Converge(LabProvider& provider, const json& lab,
                                        std::optional<std::chrono::milliseconds> wake_after) {
  LabEventSink event = [&](const std::string& reason, const std::string& message, bool warning) {
    warning ? Warning(lab, reason, message) : Normal(lab, reason, message);
  };
  auto pass = provider.Open(lab, event);
  if (!pass.ok()) {
    WritePassFailed(store_, lab, pass.status(), clock_.Now());
    return ReconcileResult::Error(pass.status());
  }
  int64_t applied = 0;
  {
    std::lock_guard<std::mutex> l(live_mu_);
    applied = live_applied_[api::Name(lab)];
  }
  ConvergeContext ctx{store_, clock_, options_.workers, options_.max_poll, event, &applied};
  ReconcileResult result = ConvergeLab(ctx, lab, **pass);
  {
    std::lock_guard<std::mutex> l(live_mu_);
    live_applied_[api::Name(lab)] = applied;
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
