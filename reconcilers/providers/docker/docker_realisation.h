// DockerRealisation: a LabProvider (reconcilers/lab/lab_provider.h) that realises a lab model
// (lab_model.h) on Docker — the machinery every Docker-based provider shares, so a provider
// only says what the lab is (a RealisationSource) and, where it needs to, hooks into the steps.
//
// A pass: Prepare(lab) → Model(lab) → list the lab's containers and networks (by labctl's
// labels) → plan (lab_plan.h) and apply removals, network creations, restarts → BeforeNodes →
// per node: create on its first network, connect the rest, start, read addresses, the network
// hook (interface names, routes, NAT, links, impairment; lab_network_hook.h), NodeStarted,
// readiness probe (lab_bringup.h) → AllReady once every node is Ready. Teardown removes every
// container and network of the lab that is this labd's, then AfterTearDown. Objects another labd
// made are never planned against or removed (lab_cleanup.h: ownership). The lab actions resolve a
// node's container through the source's model, so exec/logs/capture/inspect/reset work for
// any container naming. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "drivers/docker/engine.h"
#include "reconcilers/lab/lab_provider.h"
#include "reconcilers/providers/docker/lab_actions.h"
#include "reconcilers/providers/docker/lab_bringup.h"
#include "reconcilers/providers/docker/lab_model.h"
#include "reconcilers/providers/docker/lab_reset.h"
#include "reconcilers/providers/docker/network_baselines.h"
#include "reconcilers/providers/docker/startup_delay.h"
#include "store/store.h"

namespace labctl::reconcilers {

// What a Docker-realised provider supplies: the model of a lab, and hooks into the pass. Every
// hook defaults to doing nothing and may be called again for the same lab (make it
// idempotent). An error of Prepare, Model, BeforeNodes or AllReady fails the pass (retried with
// back-off) and is recorded as a Warning event whose reason is the status's reason: give one
// that names the step (api::Status(code, "NetlabCreateFailed", message)).
class RealisationSource {
 public:
  virtual ~RealisationSource() = default;
  // The lab's realisation model. Called at the start of every pass and by every lab action,
  // so it must be cheap and must not change the host (generate files in Prepare).
  virtual api::Result<LabModel> Model(const api::json& lab) = 0;
  // Before a pass reads the model (e.g. generate the topology the model is read from).
  virtual api::Status Prepare(const api::json& lab) { return api::Status::Ok(); }
  // After the lab's networks exist, before any node is started (e.g. host bridges).
  virtual api::Status BeforeNodes(const LabModel& lab) { return api::Status::Ok(); }
  // After every start of a node's container, once the network hook wired it (e.g. the node's
  // exec commands, /run/netns links). An error fails the node (reason PostStartFailed, the
  // error's message) and everything after the start runs again on the next pass.
  virtual api::Status NodeStarted(const LabModel& lab, const NodeModel& node,
                                  const docker::ContainerInfo& container) {
    return api::Status::Ok();
  }
  // Every node of the lab is Ready (e.g. configure the devices once).
  virtual api::Status AllReady(const LabModel& lab) { return api::Status::Ok(); }
  // After the lab's containers and networks were removed (e.g. bridges, generated files).
  virtual api::Status AfterTearDown(const std::string& lab, TearDownReason why) {
    return api::Status::Ok();
  }
};

struct DockerRealisationOptions {
  int workers = 8;  // containers removed at once
  // Called after each container start (interface names, routes, links; labd:
  // MakeLabNetworkHook), and once per generation for running nodes (live changes). Empty:
  // nothing.
  ContainerStartedHook network_hook;
  // Returns the running nodes to their network baseline before a warm lab is reported Ready to
  // its next holder (lab_handover.h; labd: MakeLabResetStep). Empty: nothing to reset.
  LabResetStep reset_lab;
  // What the lab actions' Reset restores from (with network_hook); null: only conntrack.
  NetworkBaselines* baselines = nullptr;
  // This labd's instance name, stamped on every object the realisation creates; teardown and the
  // orphan sweep touch only objects of this instance and of the store's own Lab uids
  // (lab_cleanup.h: ownership).
  std::string instance = "labd";
};

class DockerRealisation : public LabProvider {
 public:
  DockerRealisation(store::Store& store, docker::DockerEngine& engine,
                    std::unique_ptr<RealisationSource> source, DockerRealisationOptions options);

  api::Result<std::unique_ptr<LabPass>> Open(const api::json& lab, LabEventSink events) override;
  api::Result<TornDown> TearDown(const std::string& lab, const std::string& uid,
                                 TearDownReason why) override;
  api::Result<int> RemoveOrphans(const KeepOwner& keep) override;
  api::LabActions& Actions() override { return actions_; }

 private:
  // Logs, once per labd process, objects without an instance label whose Lab is not this
  // store's: another labd's from before instances, left alone.
  void ReportUnowned(const docker::LabelMap& labels);

  docker::DockerEngine& engine_;
  std::unique_ptr<RealisationSource> source_;
  DockerRealisationOptions options_;
  DockerLabActions actions_;
  StartupDelays delays_;  // nodes' startup delays, across passes
  std::mutex reported_mu_;
  std::set<std::string> reported_unowned_;  // lab/uid of unlabelled objects already logged
};

}  // namespace labctl::reconcilers
