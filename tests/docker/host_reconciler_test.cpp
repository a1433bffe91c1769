// HostReconciler over a real store and FakeEngines (docs/hosts.md): Ready from the engine's
// /version, the allocation of the labs placed on the Host, the grace period before an engine
// that stops answering makes its Host not Ready and its labs HostLost (those with onHostLost
// Reschedule leave it), the return, and a deleted
// Host's connection dropped.
#include "reconcilers/host/host_reconciler.h"

#include <gtest/gtest.h>

#include "api/host_placement.h"
#include "api/host_spec.h"
#include "support/fake_docker/fake_engine.h"
#include "support/temp_store.h"

namespace labctl {
namespace {

using api::json;
using namespace std::chrono_literals;

class HostReconcilerTest : public ::testing::Test {
 protected:
  HostReconcilerTest()
      : engines_([this](const std::string& host, const api::HostSpec&) {
          auto connection = std::make_shared<reconcilers::HostConnection>();
          auto engine = std::make_unique<docker::FakeEngine>();
          fakes_[host] = engine.get();
          connection->engine = std::move(engine);
          return connection;
        }),
        reconciler_(*store_, engines_, clock_, nullptr, {.probe_period = 5s, .grace = 15s}) {}

  void Create(api::Kind kind, json object) {
    auto created = store_->Create(kind, std::move(object));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
  }
  json Get(api::Kind kind, const std::string& name) { return *store_->Get(kind, name); }
  // Creates the Lab, then writes its status (status.host) as the Lab reconciler would.
  void Place(const json& lab) {
    json spec_only = lab;
    spec_only.erase("status");
    Create(api::Kind::kLab, spec_only);
    json stored = Get(api::Kind::kLab, api::Name(lab));
    stored["status"] = lab["status"];
    ASSERT_TRUE(store_->UpdateStatus(api::Kind::kLab, stored).ok());
  }
  void Reconcile(const std::string& host) {
    auto r = reconciler_.Reconcile(host);
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  }
  std::string Ready(const std::string& host) {
    const json object = Get(api::Kind::kHost, host);
    const json* c = api::FindCondition(object, "Ready");
    return c ? c->value("status", "") + "/" + c->value("reason", "") : "none";
  }

  api::FakeClock clock_;
  testing::TempStore store_{{.prefix = "host-reconciler", .clock = &clock_}};
  std::map<std::string, docker::FakeEngine*> fakes_;
  reconcilers::HostEngines engines_;
  reconcilers::HostReconciler reconciler_;
};

json PlacedLab(const std::string& name, const std::string& host) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Lab"},
          {"metadata", {{"name", name}}},
          {"spec", {{"nodes", json::array({{{"name", "a"}}, {{"name", "b"}}})}}},
          {"status", {{"host", host}}}};
}

json Host(const std::string& name) {
  return {{"apiVersion", api::kApiVersion},
          {"kind", "Host"},
          {"metadata", {{"name", name}}},
          {"spec", {{"endpoint", "unix:///" + name + ".sock"}, {"capacity", {{"labs", 3}}}}}};
}

TEST_F(HostReconcilerTest, ReportsReadinessAllocationAndLostLabs) {
  Create(api::Kind::kHost, Host("h1"));
  Place(PlacedLab("lab1", "h1"));

  Reconcile("h1");
  EXPECT_EQ(Ready("h1"), "True/EngineReachable");
  json status = Get(api::Kind::kHost, "h1")["status"];
  EXPECT_EQ(status["allocated"], json({{"labs", 1}, {"nodes", 2}}));
  EXPECT_EQ(status["labs"], json::array({"lab1"}));
  EXPECT_FALSE(status.value("engineVersion", "").empty());

  fakes_["h1"]->SetUnavailable(true);
  clock_.Advance(10s);
  Reconcile("h1");
  EXPECT_EQ(Ready("h1"), "True/EngineReachable") << "within the grace period";
  clock_.Advance(14s);
  Reconcile("h1");
  EXPECT_EQ(Ready("h1"), "True/EngineReachable") << "14 s after the first failed probe";
  clock_.Advance(5s);  // the next probe, 19 s after the first failed one
  Reconcile("h1");
  EXPECT_EQ(Ready("h1"), "False/EngineUnreachable");
  EXPECT_TRUE(api::IsConditionTrue(Get(api::Kind::kLab, "lab1"), "HostLost"));

  fakes_["h1"]->SetUnavailable(false);
  clock_.Advance(5s);  // the next probe
  Reconcile("h1");
  EXPECT_EQ(Ready("h1"), "True/EngineReachable");
  const json lab_now = Get(api::Kind::kLab, "lab1");
  const json* lost = api::FindCondition(lab_now, "HostLost");
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ(lost->value("status", ""), "False");
}

TEST_F(HostReconcilerTest, ALostHostsRescheduleLabsLeaveItAndFailLabsStay) {
  Create(api::Kind::kHost, Host("h3"));
  for (const char* name : {"stays", "moves"}) {
    json lab = {{"apiVersion", api::kApiVersion},
                {"kind", "Lab"},
                {"metadata", {{"name", name}}},
                {"spec", {{"nodes", json::array({{{"name", "a"}}})}}}};
    if (std::string(name) == "moves") lab["spec"]["onHostLost"] = "Reschedule";
    Create(api::Kind::kLab, lab);
    lab = Get(api::Kind::kLab, name);
    lab["status"]["host"] = "h3";
    ASSERT_TRUE(store_->UpdateStatus(api::Kind::kLab, lab).ok());
  }
  Reconcile("h3");
  fakes_["h3"]->SetUnavailable(true);
  clock_.Advance(5s);
  Reconcile("h3");
  clock_.Advance(16s);
  Reconcile("h3");
  ASSERT_EQ(Ready("h3"), "False/EngineUnreachable");
  const json stays = Get(api::Kind::kLab, "stays"), moves = Get(api::Kind::kLab, "moves");
  EXPECT_EQ(api::LabHost(stays), "h3") << "Fail: the lab waits for its host";
  EXPECT_TRUE(api::IsConditionTrue(stays, "HostLost"));
  EXPECT_EQ(api::LabHost(moves), "") << "Reschedule: placed again elsewhere";
  EXPECT_TRUE(api::IsConditionTrue(moves, "HostLost"));
  EXPECT_EQ(api::FindCondition(moves, "HostLost")->value("reason", ""), "Rescheduled");
  Reconcile("h3");
  EXPECT_EQ(Get(api::Kind::kHost, "h3")["status"]["labs"], json::array({"stays"}));
}

// A bring-up writes its Lab's status hundreds of times, each a reconcile of its Host: those
// update the allocation and leave the engine alone until the next probe is due.
TEST_F(HostReconcilerTest, ALabChangeBetweenProbesUpdatesTheAllocationWithoutAskingTheEngine) {
  Create(api::Kind::kHost, Host("h4"));
  Reconcile("h4");
  const int probed = fakes_["h4"]->calls();
  ASSERT_GT(probed, 0);
  Place(PlacedLab("lab4", "h4"));
  clock_.Advance(4s);
  Reconcile("h4");
  EXPECT_EQ(Get(api::Kind::kHost, "h4")["status"]["allocated"], json({{"labs", 1}, {"nodes", 2}}));
  EXPECT_EQ(fakes_["h4"]->calls(), probed) << "no probe 4 s after the last";
  EXPECT_EQ(Ready("h4"), "True/EngineReachable");
  clock_.Advance(1s);
  Reconcile("h4");
  EXPECT_GT(fakes_["h4"]->calls(), probed) << "the probe is due after probe_period";
  const int due = fakes_["h4"]->calls();
  json host = Get(api::Kind::kHost, "h4");
  host["spec"]["capacity"]["labs"] = 5;
  ASSERT_TRUE(store_->Update(api::Kind::kHost, host).ok());
  Reconcile("h4");
  EXPECT_GT(fakes_["h4"]->calls(), due) << "a changed spec is probed at once";
}

TEST_F(HostReconcilerTest, NeverReachableIsNotReadyAtOnceAndDeletionDisconnects) {
  Create(api::Kind::kHost, Host("h2"));
  engines_.Ensure("h2", api::ReadHostSpec(Get(api::Kind::kHost, "h2")));
  fakes_["h2"]->SetUnavailable(true);
  Reconcile("h2");
  EXPECT_EQ(Ready("h2"), "False/EngineUnreachable");
  ASSERT_TRUE(store_->Delete(api::Kind::kHost, "h2").ok());
  Reconcile("h2");
  EXPECT_EQ(engines_.Get("h2"), nullptr);
}

}  // namespace
}  // namespace labctl
