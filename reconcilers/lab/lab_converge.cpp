#include "reconcilers/lab/lab_converge.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>

#include "api/spec_hash.h"
#include "reconcilers/lab/lab_handover.h"
#include "reconcilers/lab/lab_status.h"
#include "reconcilers/lab/run_parallel.h"
#include "reconcilers/lab/up_decision.h"

namespace labctl::reconcilers {

using api::json;
using runtime::ReconcileResult;

namespace {

std::string StatusField(const json& lab, const char* key) {
  const json s = lab.value("status", json::object());
  return s.is_object() ? s.value(key, "") : "";
}

// labctl.dev/recreate = "<ts>" (every node) or "<ts>/<node>"; acted on once per value.
LabRequests ReadRequests(const json& lab, const std::vector<ProviderNode>& nodes) {
  LabRequests r;
  std::string recreate = api::Annotation(lab, kRecreateAnnotation);
  if (!recreate.empty() && recreate != StatusField(lab, "observedRecreate")) {
    auto slash = recreate.rfind('/');
    if (slash == std::string::npos)
      for (const auto& n : nodes) r.recreate_nodes.insert(n.name);
    else
      r.recreate_nodes.insert(recreate.substr(slash + 1));
  }
  std::string restarted = api::Annotation(lab, kRestartedAtAnnotation);
  r.restart_all = !restarted.empty() && restarted != StatusField(lab, "observedRestartedAt");
  return r;
}

// Errors of a pass's Converge that retrying cannot clear (LabPass::Converge).
bool NeedsTheUser(const api::Status& st) { return st.reason() == kSubnetOverlaps; }

class Pass {
 public:
  Pass(ConvergeContext& ctx, const json& lab, LabPass& provider)
      : ctx_(ctx),
        lab_(lab),
        provider_(provider),
        name_(api::Name(lab)),
        generation_(api::Generation(lab)),
        spec_hash_(api::SpecHash(lab.value("spec", json::object()))),
        previous_phase_(StatusField(lab, "phase")) {}

  ReconcileResult Run() {
    const auto t0 = std::chrono::steady_clock::now();
    auto kept = provider_.Converge(ReadRequests(lab_, provider_.Nodes()));
    if (!kept.ok()) {
      // An error only the user can clear (a subnet another network has) fails the lab with its
      // reason, as a pass that cannot open does; a passing one (Docker restarting) is retried
      // with back-off and leaves the status as it was.
      if (NeedsTheUser(kept.status()))
        WritePassFailed(ctx_.store, lab_, kept.status(), ctx_.clock.Now());
      return ReconcileResult::Error(kept.status());
    }
    kept_ = std::move(*kept);
    extra_ = {{"observedRecreate", api::Annotation(lab_, kRecreateAnnotation)},
              {"observedRestartedAt", api::Annotation(lab_, kRestartedAtAnnotation)}};
    InitNodeStates();
    if (auto st = PrepareForHolder(); !st.ok()) return FailReset(st);
    const auto t1 = std::chrono::steady_clock::now();
    BringUpInWaves();
    ApplyLiveAfterSpecChange();
    const auto t2 = std::chrono::steady_clock::now();
    auto result = Finish();
    auto ms = [](auto d) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    spdlog::debug("lab={} converge pass list+plan_ms={} bringup_ms={} status_ms={}", name_,
                  ms(t1 - t0), ms(t2 - t1), ms(std::chrono::steady_clock::now() - t2));
    return result;
  }

 private:
  void InitNodeStates() {
    auto previous = PreviousNodeStates(lab_);
    for (const auto& node : provider_.Nodes()) {
      NodeState s = previous.count(node.name) ? previous[node.name] : NodeState{};
      s.name = node.name;
      s.error_reason.clear();
      auto kept = kept_.find(node.name);
      if (kept == kept_.end()) {
        s = NodeState{};
        s.name = node.name;
        s.message = "waiting to be created";
      } else if (kept->second.state != "running" || kept->second.id != s.container_id) {
        s.ready = false;
        s.state = kept->second.state;
        s.container_id = kept->second.id;
      }
      states_[node.name] = s;
    }
  }

  bool DependenciesReady(const ProviderNode& node, std::string* waiting) {
    auto wait = [&](const std::string& d) { *waiting += (waiting->empty() ? "" : ", ") + d; };
    for (const auto& d : node.depends_on) {
      auto it = states_.find(d);
      if (it != states_.end() && !it->second.ready) wait(d);
    }
    for (const auto& d : node.depends_on_running) {
      auto it = states_.find(d);
      if (it != states_.end() && !IsRunning(it->second)) wait(d + " to run");
    }
    return waiting->empty();
  }

  static bool IsRunning(const NodeState& s) {
    return s.ready || (s.state == "running" && s.error_reason.empty());
  }

  // Waves: the nodes whose dependencies are met, in parallel, then the nodes that became
  // eligible. A node waiting for a link peer is tried again in the next wave when the last one
  // brought a node up or made one run (its peer may run now): a chain whose nodes start out of
  // order is wired in this pass, not after a failed pass and its back-off.
  void BringUpInWaves() {
    std::set<std::string> attempted;
    for (;;) {
      std::vector<const ProviderNode*> batch;
      for (const auto& node : provider_.Nodes()) {
        std::string waiting;
        if (states_[node.name].ready || attempted.count(node.name)) continue;
        if (DependenciesReady(node, &waiting))
          batch.push_back(&node);
        else
          states_[node.name].message = "waiting for " + waiting;
      }
      if (batch.empty()) return;
      std::atomic<int> progressed{0};
      RunParallel(batch.size(), ctx_.workers, [&](size_t i) {
        const bool was_running = IsRunningNow(batch[i]->name);
        if (BringUpNode(*batch[i]) || (!was_running && IsRunningNow(batch[i]->name))) ++progressed;
      });
      for (const auto* node : batch) attempted.insert(node->name);
      WriteProgress();
      if (progressed == 0) continue;  // nodes newly eligible (none: the batch is empty)
      for (const auto* node : batch)
        if (states_[node->name].waiting) attempted.erase(node->name);
    }
  }

  bool IsRunningNow(const std::string& node) {
    std::lock_guard<std::mutex> l(mu_);
    return IsRunning(states_[node]);
  }

  // A warm lab handed to another session is reset before it is reported Ready again; the record
  // (status.preparedFor) is only written, with this pass's status, once the reset succeeded.
  api::Status PrepareForHolder() {
    HandOverPlan handover = PlanHandOver(lab_, kept_.empty());
    if (!handover.reset_for.empty()) {
      const std::string& holder = handover.reset_for;
      ctx_.event("Resetting", "resetting every node's network state for session " + holder, false);
      WriteReady("Resetting", "resetting network state for session " + holder);
      const auto t0 = std::chrono::steady_clock::now();
      api::Status st = provider_.Reset();
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
      spdlog::info("lab={} session={} reset ok={} ms={}", name_, holder, st.ok(), ms);
      if (!st.ok())
        return api::Status(st.code(), st.reason(), "session " + holder + ": " + st.message());
      ctx_.event("Reset", "network state reset for session " + holder, false);
    }
    if (handover.record) extra_[kPreparedForField] = *handover.record;
    return api::Status::Ok();
  }

  ReconcileResult FailReset(const api::Status& st) {
    ctx_.event("ResetFailed", st.message(), true);
    WriteReady("ResetFailed", st.message());
    return ReconcileResult::Error(st);  // retried with back-off; preparedFor stays unwritten
  }

  // This pass's report with the Ready condition replaced (False, reason).
  void WriteReady(const std::string& reason, const std::string& message) {
    LabReport report = Report();
    report.ready = {"Ready", "False", reason, message, generation_};
    auto st = WriteLabReport(ctx_.store, name_, report, ctx_.clock.Now());
    if (!st.ok()) spdlog::warn("lab={} status write failed: {}", name_, st.ToString());
  }

  // Live state (links, impairment, routes, NAT) is applied when a node starts; a spec change
  // that keeps the nodes (a new impairment from `labctl apply`) is applied here, once per
  // generation and labd process, to every running node that did not just start.
  void ApplyLiveAfterSpecChange() {
    if (!provider_.AppliesLive() || ctx_.live_applied == nullptr) return;
    if (*ctx_.live_applied == generation_) return;
    bool all = true;
    for (const auto& node : provider_.Nodes()) {
      const NodeState& s = states_[node.name];
      if (s.state != "running" || s.container_id.empty() || started_.count(node.name)) continue;
      auto st = provider_.ApplyLive(node.name, s);
      if (!st.ok()) {
        all = false;
        ctx_.event("NetworkSetupFailed", node.name + ": " + st.message(), true);
      }
    }
    if (all) *ctx_.live_applied = generation_;
  }

  // Returns true if the node became Ready.
  bool BringUpNode(const ProviderNode& node) {
    NodeState previous;
    std::optional<KeptNode> kept;
    {
      std::lock_guard<std::mutex> l(mu_);
      previous = states_[node.name];
      auto it = kept_.find(node.name);
      if (it != kept_.end()) kept = it->second;
    }
    NodeState s = provider_.BringUp(node.name, kept, previous, ctx_.clock.Now());
    if (!s.error_reason.empty()) ctx_.event(s.error_reason, node.name + ": " + s.message, true);
    if (s.ready && !previous.ready)
      ctx_.event("NodeReady", "node " + node.name + " is ready", false);
    std::lock_guard<std::mutex> l(mu_);
    if (s.started_at != previous.started_at || s.container_id != previous.container_id)
      started_.insert(node.name);  // just started: its live state is this generation's
    // A later wave of this pass (the node waited for a peer) finds the container made here.
    if (!s.container_id.empty()) kept_[node.name] = {s.container_id, s.state};
    states_[node.name] = s;
    return s.ready;
  }

  LabReport Report() {
    std::vector<NodeState> nodes;
    for (const auto& node : provider_.Nodes()) nodes.push_back(states_[node.name]);
    LabReport r = ReportForNodes(std::move(nodes), previous_phase_, generation_, spec_hash_);
    r.extra = extra_;
    return r;
  }

  // Progress between waves. Ready becomes True only in Finish, after the provider's last step
  // (AllReady: e.g. netlab initial configures the nodes); it stays True here only for a lab
  // that was Ready and none of whose nodes started in this pass.
  void WriteProgress() {
    LabReport report = Report();
    bool restarted = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      restarted = !started_.empty();
    }
    if (report.ready.status == "True" && (restarted || !api::IsConditionTrue(lab_, "Ready"))) {
      report.ready = {"Ready", "False", "Finishing",
                      "every node is ready; the provider's last step runs", generation_};
      report.phase =
          previous_phase_ == "Ready" || previous_phase_ == "Degraded" ? "Degraded" : "Provisioning";
    }
    auto st = WriteLabReport(ctx_.store, name_, report, ctx_.clock.Now());
    if (!st.ok()) spdlog::warn("lab={} status write failed: {}", name_, st.ToString());
  }

  bool AllNodesReady() {
    for (const auto& node : provider_.Nodes())
      if (!states_[node.name].ready) return false;
    return true;
  }

  ReconcileResult Finish() {
    LabReport report = Report();
    api::Status after_ready = AllNodesReady() ? provider_.AllReady() : api::Status::Ok();
    if (!after_ready.ok()) {
      report.ready = {"Ready", "False", after_ready.reason(), after_ready.message(), generation_};
      report.phase =
          previous_phase_ == "Ready" || previous_phase_ == "Degraded" ? "Degraded" : "Provisioning";
    }
    auto st = WriteLabReport(ctx_.store, name_, report, ctx_.clock.Now());
    if (!st.ok()) return ReconcileResult::Error(st);
    for (const auto& n : report.nodes)
      if (!n.error_reason.empty())
        return ReconcileResult::Error(
            api::Status::Unavailable("node " + n.name + ": " + n.message));
    if (!after_ready.ok()) return ReconcileResult::Error(after_ready);
    int period = 0;
    for (const auto& node : provider_.Nodes())
      if (!states_[node.name].ready)
        period = period == 0 ? node.poll_seconds : std::min(period, node.poll_seconds);
    if (period == 0) return ReconcileResult::Done();
    auto wait = std::min<std::chrono::milliseconds>(std::chrono::seconds(period), ctx_.max_poll);
    return ReconcileResult::After(wait);
  }

  ConvergeContext& ctx_;
  const json& lab_;
  LabPass& provider_;
  const std::string name_;
  const int64_t generation_;
  const std::string spec_hash_;
  const std::string previous_phase_;
  std::map<std::string, KeptNode> kept_;
  json extra_;
  std::mutex mu_;
  std::map<std::string, NodeState> states_;
  std::set<std::string> started_;  // nodes that (re)started in this pass
};

}  // namespace

ReconcileResult ConvergeLab(ConvergeContext& ctx, const json& lab, LabPass& pass) {
  return Pass(ctx, lab, pass).Run();
}

}  // namespace labctl::reconcilers
