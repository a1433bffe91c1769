#include "reconcilers/lab/lab_converge.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <set>

#include "drivers/docker/naming.h"
#include "reconcilers/lab/lab_cleanup.h"
#include "reconcilers/lab/lab_handover.h"
#include "reconcilers/lab/lab_plan.h"
#include "reconcilers/lab/lab_status.h"

namespace labctl::reconcilers {

using api::json;
using runtime::ReconcileResult;

namespace {

std::string StatusField(const json& lab, const char* key) {
  const json s = lab.value("status", json::object());
  return s.is_object() ? s.value(key, "") : "";
}

// labctl.dev/recreate = "<ts>" (every node) or "<ts>/<node>"; acted on once per value.
PlanRequests ReadRequests(const json& lab, const LabModel& model) {
  PlanRequests r;
  std::string recreate = api::Annotation(lab, kRecreateAnnotation);
  if (!recreate.empty() && recreate != StatusField(lab, "observedRecreate")) {
    auto slash = recreate.rfind('/');
    if (slash == std::string::npos)
      for (const auto& n : model.nodes) r.recreate_nodes.insert(n.name);
    else
      r.recreate_nodes.insert(recreate.substr(slash + 1));
  }
  std::string restarted = api::Annotation(lab, kRestartedAtAnnotation);
  r.restart_all = !restarted.empty() && restarted != StatusField(lab, "observedRestartedAt");
  return r;
}

class Pass {
 public:
  Pass(ConvergeContext& ctx, const json& lab)
      : ctx_(ctx),
        lab_(lab),
        model_(ReadLabModel(lab)),
        previous_phase_(StatusField(lab, "phase")) {}

  ReconcileResult Run() {
    const auto t0 = std::chrono::steady_clock::now();
    auto containers = ctx_.engine.ListContainers(docker::LabSelector(model_.name));
    if (!containers.ok()) return ReconcileResult::Error(containers.status());
    auto networks = ctx_.engine.ListNetworks(docker::LabSelector(model_.name));
    if (!networks.ok()) return ReconcileResult::Error(networks.status());
    PlanRequests requests = ReadRequests(lab_, model_);
    plan_ = PlanLab(model_, *containers, *networks, requests);
    extra_ = {{"observedRecreate", api::Annotation(lab_, kRecreateAnnotation)},
              {"observedRestartedAt", api::Annotation(lab_, kRestartedAtAnnotation)}};
    if (plan_.ChangesDocker()) {
      auto st = ApplyPlan();
      if (!st.ok()) return Fail(st);
    }
    InitNodeStates();
    if (auto st = PrepareForHolder(); !st.ok()) return FailReset(st);
    const auto t1 = std::chrono::steady_clock::now();
    BringUpInWaves();
    ReapplyNetworkAfterSpecChange();
    const auto t2 = std::chrono::steady_clock::now();
    auto result = Finish();
    auto ms = [](auto d) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    spdlog::debug("lab={} converge pass list+plan_ms={} bringup_ms={} status_ms={}", model_.name,
                  ms(t1 - t0), ms(t2 - t1), ms(std::chrono::steady_clock::now() - t2));
    return result;
  }

 private:
  api::Status ApplyPlan() {
    std::mutex mu;
    api::Status first;
    auto note = [&](const api::Status& s) {
      std::lock_guard<std::mutex> l(mu);
      if (!s.ok() && first.ok()) first = s;
    };
    RunParallel(plan_.remove_containers.size(), ctx_.options.workers, [&](size_t i) {
      const auto& c = plan_.remove_containers[i];
      note(IgnoreNotFound(ctx_.engine.RemoveContainer(c.id, true)));
      ctx_.event("RemovedNode", "removed container " + c.name, false);
    });
    RunParallel(plan_.restart.size(), ctx_.options.workers, [&](size_t i) {
      note(IgnoreNotFound(ctx_.engine.KillContainer(plan_.restart[i].id)));
    });
    for (const auto& c : plan_.restart) {
      plan_.keep[docker::LabelOf(c.labels, docker::kLabelNode)].state = "exited";
      ctx_.event("RestartingNode", "restarting container " + c.name, false);
    }
    for (const auto& n : plan_.remove_networks)
      note(IgnoreNotFound(ctx_.engine.RemoveNetwork(n.id)));
    LABCTL_RETURN_IF_ERROR(first);
    RunParallel(plan_.create_networks.size(), 4, [&](size_t i) {
      const auto& n = plan_.create_networks[i];
      docker::NetworkSpec spec{docker::NetworkName(model_.name, n.name),
                               n.subnet,
                               "",
                               n.ipv6_subnet,
                               docker::NetworkLabels(model_.name, model_.uid, n.name, n.hash),
                               {{"com.docker.network.bridge.enable_ip_masquerade", "false"}}};
      auto created = ctx_.engine.CreateNetwork(spec);
      note(created.status());
      if (created.ok()) ctx_.event("CreatedNetwork", "created network " + spec.name, false);
    });
    return first;
  }

  void InitNodeStates() {
    auto previous = PreviousNodeStates(lab_);
    for (const auto& node : model_.nodes) {
      NodeState s = previous.count(node.name) ? previous[node.name] : NodeState{};
      s.name = node.name;
      s.error_reason.clear();
      auto kept = plan_.keep.find(node.name);
      if (kept == plan_.keep.end()) {
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

  bool DependenciesReady(const NodeModel& node, std::string* waiting) {
    for (const auto& d : node.depends_on) {
      auto it = states_.find(d);
      if (it != states_.end() && !it->second.ready) *waiting += (waiting->empty() ? "" : ", ") + d;
    }
    return waiting->empty();
  }

  void BringUpInWaves() {
    std::set<std::string> attempted;
    for (;;) {
      std::vector<const NodeModel*> batch;
      for (const auto& node : model_.nodes) {
        std::string waiting;
        if (states_[node.name].ready || attempted.count(node.name)) continue;
        if (DependenciesReady(node, &waiting))
          batch.push_back(&node);
        else
          states_[node.name].message = "waiting for " + waiting;
      }
      if (batch.empty()) return;
      std::atomic<int> newly_ready{0};
      RunParallel(batch.size(), ctx_.options.workers, [&](size_t i) {
        if (BringUpNode(*batch[i])) ++newly_ready;
      });
      for (const auto* node : batch) attempted.insert(node->name);
      WriteProgress();
      if (newly_ready == 0) return;
    }
  }

  // A warm lab handed to another session is reset before it is reported Ready again; the record
  // (status.preparedFor) is only written, with this pass's status, once the reset succeeded.
  api::Status PrepareForHolder() {
    HandOverPlan handover = PlanHandOver(lab_, plan_.keep.empty());
    if (!handover.reset_for.empty()) {
      const std::string& holder = handover.reset_for;
      ctx_.event("Resetting", "resetting every node's network state for session " + holder, false);
      WriteReady("Resetting", "resetting network state for session " + holder);
      const auto t0 = std::chrono::steady_clock::now();
      api::Status st = ctx_.options.reset_lab ? ctx_.options.reset_lab(model_) : api::Status::Ok();
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
      spdlog::info("lab={} session={} reset ok={} ms={}", model_.name, holder, st.ok(), ms);
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
    report.ready = {"Ready", "False", reason, message, model_.generation};
    auto st = WriteLabReport(ctx_.store, model_.name, report, ctx_.clock.Now());
    if (!st.ok()) spdlog::warn("lab={} status write failed: {}", model_.name, st.ToString());
  }

  // Network state (routes, NAT, links, impairment) is applied when a container starts; a spec
  // change that keeps the containers (a new impairment from `labctl apply`) is applied live
  // here, once per generation and labd process, to every running node (the hook is
  // idempotent).
  void ReapplyNetworkAfterSpecChange() {
    const auto& hook = ctx_.options.on_container_started;
    if (!hook || ctx_.network_applied == nullptr) return;
    if (*ctx_.network_applied == model_.generation) return;
    bool all = true;
    for (const auto& node : model_.nodes) {
      const NodeState& s = states_[node.name];
      if (s.state != "running" || s.container_id.empty() || hooked_.count(node.name)) continue;
      auto info = ctx_.engine.InspectContainer(s.container_id);
      if (!info.ok() || !info->running) continue;
      auto st = hook(model_, node, *info);
      if (!st.ok()) {
        all = false;
        ctx_.event("NetworkSetupFailed", node.name + ": " + st.message(), true);
      }
    }
    if (all) *ctx_.network_applied = model_.generation;
  }

  // Returns true if the node became Ready.
  bool BringUpNode(const NodeModel& node) {
    NodeState previous;
    std::optional<docker::ContainerSummary> existing;
    {
      std::lock_guard<std::mutex> l(mu_);
      previous = states_[node.name];
      auto kept = plan_.keep.find(node.name);
      if (kept != plan_.keep.end()) existing = kept->second;
    }
    auto now = ctx_.clock.Now();
    NodeState s = EnsureNodeRunning(ctx_.engine, model_, node, existing, previous,
                                    ctx_.options.on_container_started, now);
    if (s.started_at != previous.started_at || s.container_id != previous.container_id) {
      std::lock_guard<std::mutex> l(mu_);
      hooked_.insert(node.name);  // just started: the hook ran with this generation's spec
    }
    if (!existing && !s.container_id.empty())
      ctx_.event("CreatedNode",
                 "created container " + docker::ContainerName(model_.name, node.name), false);
    if (s.error_reason.empty()) ProbeReadiness(ctx_.engine, node, s, now);
    if (!s.error_reason.empty()) ctx_.event(s.error_reason, node.name + ": " + s.message, true);
    if (s.ready && !previous.ready)
      ctx_.event("NodeReady", "node " + node.name + " is ready", false);
    std::lock_guard<std::mutex> l(mu_);
    states_[node.name] = s;
    return s.ready;
  }

  LabReport Report() {
    std::vector<NodeState> nodes;
    for (const auto& node : model_.nodes) nodes.push_back(states_[node.name]);
    LabReport r =
        ReportForNodes(std::move(nodes), previous_phase_, model_.generation, model_.spec_hash);
    r.extra = extra_;
    return r;
  }

  void WriteProgress() {
    auto st = WriteLabReport(ctx_.store, model_.name, Report(), ctx_.clock.Now());
    if (!st.ok()) spdlog::warn("lab={} status write failed: {}", model_.name, st.ToString());
  }

  ReconcileResult Fail(const api::Status& st) {
    ctx_.event("DockerError", st.message(), true);
    return ReconcileResult::Error(st);
  }

  ReconcileResult Finish() {
    LabReport report = Report();
    auto st = WriteLabReport(ctx_.store, model_.name, report, ctx_.clock.Now());
    if (!st.ok()) return ReconcileResult::Error(st);
    for (const auto& n : report.nodes)
      if (!n.error_reason.empty())
        return ReconcileResult::Error(
            api::Status::Unavailable("node " + n.name + ": " + n.message));
    int period = 0;
    for (const auto& node : model_.nodes)
      if (!states_[node.name].ready) {
        int p = node.readiness ? node.readiness->period_seconds : 1;
        period = period == 0 ? p : std::min(period, p);
      }
    if (period == 0) return ReconcileResult::Done();
    auto wait =
        std::min<std::chrono::milliseconds>(std::chrono::seconds(period), ctx_.options.max_poll);
    return ReconcileResult::After(wait);
  }

  ConvergeContext& ctx_;
  const json& lab_;
  LabModel model_;
  std::string previous_phase_;
  LabPlan plan_;
  json extra_;
  std::mutex mu_;
  std::map<std::string, NodeState> states_;
  std::set<std::string> hooked_;  // nodes whose start hook ran in this pass
};

}  // namespace

ReconcileResult ConvergeLab(ConvergeContext& ctx, const json& lab) { return Pass(ctx, lab).Run(); }

}  // namespace labctl::reconcilers
