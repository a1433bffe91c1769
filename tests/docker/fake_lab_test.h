// FakeLabTest: the base fixture of the LabReconciler tests that run against the in-memory
// FakeEngine, a fake clock and a real Store on a temp dir — the objects, and the helpers that
// read a Lab, set its holder as the SessionReconciler does, and reconcile until it settles.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "api/clock.h"
#include "docker/lab_fixture.h"
#include "reconcilers/lab/lab_reconciler.h"
#include "reconcilers/providers/docker/docker_provider.h"
#include "tests/support/fake_docker/fake_engine.h"
#include "tests/support/temp_store.h"

namespace labctl::testing {

class FakeLabTest : public ::testing::Test {
 protected:
  api::json Get(const std::string& name) { return *store_->Get(api::Kind::kLab, name); }

  // Reconciles until done (no requeue, no error) or `rounds` passes.
  runtime::ReconcileResult Settle(const std::string& name, int rounds = 10) {
    runtime::ReconcileResult r;
    for (int i = 0; i < rounds; ++i) {
      r = reconciler_->Reconcile(name);
      if (r.status.ok() && !r.requeue_after) break;
    }
    return r;
  }

  // What the SessionReconciler's SetLabHolder writes: heldBy, or releasedAt on release.
  void SetHeldBy(const std::string& lab, const std::string& session) {
    api::json o = Get(lab);
    if (session.empty()) {
      o["status"].erase("heldBy");
      o["status"]["releasedAt"] = api::FormatTime(clock_.Now());
    } else {
      o["status"]["heldBy"] = session;
    }
    ASSERT_TRUE(store_->UpdateStatus(api::Kind::kLab, o).ok());
  }

  // A reconciler (a labd process) running provider docker on the fake engine with `docker`.
  std::unique_ptr<reconcilers::LabReconciler> MakeReconciler(
      reconcilers::DockerRealisationOptions docker = {},
      reconcilers::LabReconcilerOptions options = {}) {
    provider_ = reconcilers::MakeDockerProvider(*store_, engine_, std::move(docker));
    return std::make_unique<reconcilers::LabReconciler>(
        *store_, reconcilers::LabProviders{{reconcilers::kDockerProvider, provider_.get()}}, clock_,
        nullptr, std::move(options));
  }

  api::FakeClock clock_;
  docker::FakeEngine engine_;
  TempStore store_{{.prefix = "fake-lab"}};
  std::unique_ptr<reconcilers::DockerRealisation> provider_;
  std::unique_ptr<reconcilers::LabReconciler> reconciler_;
};

}  // namespace labctl::testing
