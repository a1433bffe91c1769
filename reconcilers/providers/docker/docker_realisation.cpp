#include "reconcilers/providers/docker/docker_realisation.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "drivers/docker/naming.h"
#include "drivers/docker/network_overlap.h"
#include "reconcilers/lab/run_parallel.h"
#include "reconcilers/providers/docker/lab_cleanup.h"
#include "reconcilers/providers/docker/lab_plan.h"
#include "reconcilers/providers/docker/running_nodes.h"

namespace labctl::reconcilers {

using api::json;
using api::Status;

namespace {

// Records a failed step of the source as an event named by the status's reason.
Status StepFailed(const LabEventSink& events, const Status& st) {
  if (!st.ok()) events(st.reason(), st.message(), true);
  return st;
}

class DockerPass : public LabPass {
 public:
  DockerPass(docker::DockerEngine& engine, RealisationSource& source,
             const DockerRealisationOptions& options, StartupDelays& delays, LabModel model,
             LabEventSink events)
      : engine_(engine),
        source_(source),
        options_(options),
        delays_(delays),
        model_(std::move(model)),
        events_(std::move(events)) {
    model_.instance = options_.instance;
    model_.running = std::make_shared<RunningNodes>();
    for (const auto& n : model_.nodes)
      nodes_.push_back({n.name, n.depends_on, n.readiness ? n.readiness->period_seconds : 1,
                        n.depends_on_running});
    // A node in another's network namespace (host, container:) is not the node's to set up.
    if (options_.network_hook)
      hooks_.network = [this](const LabModel& lab, const NodeModel& node,
                              const docker::ContainerInfo& info) {
        return node.OwnsNetworkNamespace() ? options_.network_hook(lab, node, info) : Status::Ok();
      };
    hooks_.after = [this](const LabModel& lab, const NodeModel& node,
                          const docker::ContainerInfo& info) {
      return source_.NodeStarted(lab, node, info);
    };
  }

  const std::vector<ProviderNode>& Nodes() const override { return nodes_; }

  api::Result<std::map<std::string, KeptNode>> Converge(const LabRequests& requests) override {
    auto containers = engine_.ListContainers(docker::LabSelector(model_.name));
    if (!containers.ok()) return containers.status();
    auto networks = engine_.ListNetworks(docker::LabSelector(model_.name));
    if (!networks.ok()) return networks.status();
    // Another labd's objects of a lab with this name are not ours to judge.
    auto foreign = [&](const auto& o) { return !IsOfLab(o.labels, model_.instance, model_.uid); };
    std::erase_if(*containers, foreign);
    std::erase_if(*networks, foreign);
    plan_ = PlanLab(model_, *containers, *networks, requests);
    AdoptNetworkNames(model_, plan_);
    if (plan_.ChangesDocker()) LABCTL_RETURN_IF_ERROR(DockerFailed(ApplyPlan()));
    LABCTL_RETURN_IF_ERROR(StepFailed(events_, source_.BeforeNodes(model_)));
    std::map<std::string, KeptNode> kept;
    for (const auto& [node, c] : plan_.keep) kept[node] = {c.id, c.state};
    return kept;
  }

  Status Reset() override { return options_.reset_lab ? options_.reset_lab(model_) : Status::Ok(); }

  NodeState BringUp(const std::string& name, const std::optional<KeptNode>& kept,
                    const NodeState& previous, api::TimePoint now) override {
    const NodeModel& node = *model_.FindNode(name);
    std::optional<docker::ContainerSummary> existing;
    if (kept) {
      // Kept by the plan, or created by an earlier wave of this pass (a node that waited).
      auto planned = plan_.keep.find(name);
      existing = planned != plan_.keep.end()
                     ? planned->second
                     : docker::ContainerSummary{kept->id, node.container, kept->state, {}, {}};
    }
    if (!existing) {
      const int delay = delays_.Remaining(model_.uid, name, node.startup_delay_seconds, now);
      if (delay > 0) return DelayedStart(name, delay);
    }
    NodeState s = EnsureNodeRunning(engine_, model_, node, existing, previous, hooks_, now);
    if (!existing && !s.container_id.empty()) {
      delays_.Created(model_.uid, name);
      events_("CreatedNode", "created container " + node.container, false);
    }
    if (s.error_reason.empty() && !s.waiting) ProbeReadiness(engine_, node, s, now);
    s.netlab = node.netlab;
    return s;
  }

  bool AppliesLive() const override { return static_cast<bool>(options_.network_hook); }

  Status ApplyLive(const std::string& name, const NodeState& state) override {
    auto info = engine_.InspectContainer(state.container_id);
    if (!info.ok() || !info->running) return Status::Ok();  // it starts again: wired then
    return hooks_.network(model_, *model_.FindNode(name), *info);
  }

  Status AllReady() override { return StepFailed(events_, source_.AllReady(model_)); }

 private:
  // The node's container is not created yet: its startup delay runs (a wait, not a failure).
  static NodeState DelayedStart(const std::string& name, int seconds) {
    NodeState s;
    s.name = name;
    s.waiting = true;
    s.message = "startup-delay: created in " + std::to_string(seconds) + "s";
    return s;
  }

  // Records a Docker failure of this pass as an event on the lab.
  Status DockerFailed(const Status& st) {
    if (!st.ok()) events_("DockerError", st.message(), true);
    return st;
  }

  // Docker's refusal of an overlapping address pool, naming the networks in the way.
  Status ExplainOverlap(const Status& st, const docker::NetworkSpec& spec) {
    if (!docker::IsPoolOverlap(st)) return st;
    auto existing = engine_.ListNetworks({});
    if (!existing.ok()) return st;
    const std::string others = docker::OverlappingNetworks(*existing, spec);
    if (others.empty()) return st;
    std::string subnets = spec.subnet;
    if (!spec.ipv6_subnet.empty()) subnets += (subnets.empty() ? "" : ", ") + spec.ipv6_subnet;
    return Status(st.code(), kSubnetOverlaps,
                  "network " + spec.name + " (" + subnets + ") overlaps Docker network " + others +
                      ": give the lab another subnet, or remove that network");
  }

  Status ApplyPlan() {
    std::mutex mu;
    Status first;
    auto note = [&](const Status& s) {
      std::lock_guard<std::mutex> l(mu);
      if (!s.ok() && first.ok()) first = s;
    };
    RunParallel(plan_.remove_containers.size(), options_.workers, [&](size_t i) {
      const auto& c = plan_.remove_containers[i];
      note(IgnoreNotFound(engine_.RemoveContainer(c.id, true)));
      events_("RemovedNode", "removed container " + c.name, false);
    });
    RunParallel(plan_.restart.size(), options_.workers, [&](size_t i) {
      note(IgnoreNotFound(engine_.KillContainer(plan_.restart[i].id)));
    });
    for (const auto& c : plan_.restart) {
      plan_.keep[docker::LabelOf(c.labels, docker::kLabelNode)].state = "exited";
      events_("RestartingNode", "restarting container " + c.name, false);
    }
    for (const auto& n : plan_.remove_networks) note(IgnoreNotFound(engine_.RemoveNetwork(n.id)));
    LABCTL_RETURN_IF_ERROR(first);
    RunParallel(plan_.create_networks.size(), 4, [&](size_t i) {
      docker::NetworkSpec spec = NetworkSpecFor(model_, plan_.create_networks[i]);
      auto created = engine_.CreateNetwork(spec);
      note(ExplainOverlap(created.status(), spec));
      if (created.ok()) events_("CreatedNetwork", "created network " + spec.name, false);
    });
    return first;
  }

  docker::DockerEngine& engine_;
  RealisationSource& source_;
  const DockerRealisationOptions& options_;
  StartupDelays& delays_;
  LabModel model_;  // its networks' Docker names as adopted by the plan
  LabEventSink events_;
  std::vector<ProviderNode> nodes_;
  StartHooks hooks_;
  LabPlan plan_;
};

}  // namespace

DockerRealisation::DockerRealisation(store::Store& store, docker::DockerEngine& engine,
                                     std::unique_ptr<RealisationSource> source,
                                     DockerRealisationOptions options)
    : engine_(engine),
      source_(std::move(source)),
      options_(std::move(options)),
      actions_(store, engine, *source_, options_.baselines, options_.network_hook) {}

api::Result<std::unique_ptr<LabPass>> DockerRealisation::Open(const json& lab,
                                                              LabEventSink events) {
  LABCTL_RETURN_IF_ERROR(StepFailed(events, source_->Prepare(lab)));
  auto model = source_->Model(lab);
  if (!model.ok()) return StepFailed(events, model.status());
  return std::unique_ptr<LabPass>(std::make_unique<DockerPass>(engine_, *source_, options_, delays_,
                                                               std::move(*model), events));
}

api::Result<TornDown> DockerRealisation::TearDown(const std::string& lab, const std::string& uid,
                                                  TearDownReason why) {
  auto removed = RemoveLabObjects(engine_, lab, [&](const docker::LabelMap& labels) {
    return IsOfLab(labels, options_.instance, uid);
  });
  if (!removed.ok()) return removed.status();
  LABCTL_RETURN_IF_ERROR(source_->AfterTearDown(lab, why));
  return removed;
}

api::Result<int> DockerRealisation::RemoveOrphans(const KeepOwner& keep) {
  return reconcilers::RemoveOrphans(engine_, [&](const docker::LabelMap& labels) {
    const Owner owner = OwnerOf(labels, options_.instance);
    if (owner == Owner::kOther) return false;  // another labd's
    if (keep(docker::LabelOf(labels, docker::kLabelLab),
             docker::LabelOf(labels, docker::kLabelUid)))
      return false;
    if (owner == Owner::kUnlabelled) ReportUnowned(labels);
    return owner == Owner::kThis;
  });
}

void DockerRealisation::ReportUnowned(const docker::LabelMap& labels) {
  const std::string lab = docker::LabelOf(labels, docker::kLabelLab);
  const std::string uid = docker::LabelOf(labels, docker::kLabelUid);
  std::lock_guard<std::mutex> l(reported_mu_);
  if (!reported_unowned_.insert(lab + "/" + uid).second) return;
  spdlog::warn(
      "lab={} uid={} has Docker objects without an instance label whose Lab is not in this "
      "store: left alone (another labd's, or left over from before instances; see labctl "
      "doctor)",
      lab, uid);
}

}  // namespace labctl::reconcilers
