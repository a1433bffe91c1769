// LabHarness: the lab half of labd in-process — real Store (temp dir), HttpEngine on the real
// dockerd, LabReconciler with provider docker under a runtime::Controller, and the
// DockerEventWatcher feeding it —
// wired exactly as labd wires them (with_network: also the network hook labd installs as
// its network_hook: interface names, routes, NAT, links). Used by the real-dockerd
// integration tests.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "controller/runtime/controller.h"
#include "controller/runtime/event_recorder.h"
#include "docker/lab_fixture.h"
#include "docker/labd_docker.h"
#include "drivers/docker/event_watcher.h"
#include "drivers/docker/http_engine.h"
#include "drivers/docker/naming.h"
#include "reconcilers/lab/lab_reconciler.h"
#include "reconcilers/providers/docker/docker_provider.h"
#include "reconcilers/providers/docker/lab_network_hook.h"
#include "tests/support/poll.h"
#include "tests/support/temp_store.h"

namespace labctl::testing {

class LabHarness {
 public:
  // Instance "test-<orphan_prefix>": the same in every run, so the orphan sweep at start removes
  // what a killed earlier run left behind.
  explicit LabHarness(const std::string& orphan_prefix, bool with_network = false) {
    recorder_ = std::make_unique<runtime::EventRecorder>(*store_, clock_, "lab-test");
    const std::string instance = TestInstance(orphan_prefix);
    reconcilers::DockerRealisationOptions docker;
    docker.instance = instance;
    if (with_network) docker.network_hook = reconcilers::MakeLabNetworkHook(*store_, engine_);
    provider_ = reconcilers::MakeDockerProvider(*store_, engine_, docker);
    reconcilers::LabReconcilerOptions o;
    o.orphan_lab_prefix = orphan_prefix;
    reconciler_ = std::make_unique<reconcilers::LabReconciler>(
        *store_, reconcilers::LabProviders{{reconcilers::kDockerProvider, provider_.get()}}, clock_,
        recorder_.get(), o);
    controller_ = std::make_unique<runtime::Controller>(
        *store_, api::Kind::kLab, *reconciler_,
        runtime::ControllerOptions{.name = "lab", .workers = 2});
    watcher_ = std::make_unique<docker::DockerEventWatcher>(
        engine_, instance,
        [this](const std::string& lab) {
          controller_->Enqueue(lab);
          controller_->EnqueueAfter(lab, docker::kDriftRecheckDelay);
        },
        [this] {
          controller_->Enqueue(reconcilers::LabReconciler::kOrphanSweepKey);
          for (const auto& lab : store_->List(api::Kind::kLab).items)
            controller_->Enqueue(api::Name(lab));
        });
    controller_->Start();
    watcher_->Start();
  }
  ~LabHarness() {
    watcher_->Stop();
    controller_->Stop();
  }

  store::Store& store() { return *store_; }
  docker::HttpEngine& engine() { return engine_; }

  api::json Apply(const api::json& lab) {
    auto r = store_->Create(api::Kind::kLab, lab);
    return r.ok() ? *r : api::json();
  }

  // Polls the store until pred(lab) or the timeout; returns the last object read.
  template <class Pred>
  bool WaitLab(const std::string& name, Pred pred, std::chrono::seconds timeout,
               api::json* last = nullptr) {
    return PollUntil(
        [&] {
          auto lab = store_->Get(api::Kind::kLab, name);
          if (last) *last = lab.ok() ? *lab : api::json();
          return pred(lab);
        },
        timeout, std::chrono::milliseconds(100));
  }

  bool WaitReady(const std::string& name, std::chrono::seconds timeout = std::chrono::seconds(90)) {
    return WaitLab(
        name,
        [](const api::Result<api::json>& lab) {
          return lab.ok() && api::IsConditionTrue(*lab, "Ready") &&
                 api::FindCondition(*lab, "Ready")->value("observedGeneration", 0) ==
                     api::Generation(*lab);
        },
        timeout);
  }

  bool WaitGone(const std::string& name, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    return WaitLab(
        name, [](const api::Result<api::json>& lab) { return !lab.ok(); }, timeout);
  }

 private:
  api::SystemClock clock_;
  docker::HttpEngine engine_;
  TempStore store_{{.prefix = "labit"}};
  std::unique_ptr<runtime::EventRecorder> recorder_;
  std::unique_ptr<reconcilers::DockerRealisation> provider_;
  std::unique_ptr<reconcilers::LabReconciler> reconciler_;
  std::unique_ptr<runtime::Controller> controller_;
  std::unique_ptr<docker::DockerEventWatcher> watcher_;
};

}  // namespace labctl::testing
