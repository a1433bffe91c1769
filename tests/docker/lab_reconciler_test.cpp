// LabReconciler against the in-memory FakeEngine and a real Store on a temp dir.
#include "reconcilers/lab/lab_reconciler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>

#include "api/object.h"
#include "docker/fake_lab_test.h"
#include "docker/legacy_lab.h"
#include "drivers/docker/naming.h"
#include "reconcilers/lab/up_decision.h"
#include "reconcilers/providers/docker/docker_provider.h"
#include "tests/support/fake_docker/fake_engine.h"

namespace labctl {
namespace {

using api::json;
using docker::FakeEngine;
using reconcilers::LabReconciler;
using testing::Node;
using testing::TwoNetLab;

class LabReconcilerTest : public testing::FakeLabTest {
 protected:
  void SetUp() override { reconciler_ = MakeReconciler(); }

  json Create(const json& lab) {
    auto r = store_->Create(api::Kind::kLab, lab);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : json();
  }
  std::string Phase(const std::string& name) { return Get(name)["status"].value("phase", ""); }
};

json ThreeNodes() {
  return json::array({Node("gw", {{"a", "10.9.1.1"}, {"b", "10.9.2.1"}}),
                      Node("c1", {{"a", "10.9.1.10"}}), Node("c2", {{"b", "10.9.2.10"}})});
}

TEST_F(LabReconcilerTest, BringsUpNetworksThenNodesAndReportsReady) {
  Create(TwoNetLab("l1", 9, ThreeNodes()));
  auto r = Settle("l1");
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(engine_.NetworkNames(), (std::vector<std::string>{"labctl-l1.a", "labctl-l1.b"}));
  EXPECT_EQ(engine_.ContainerNames(),
            (std::vector<std::string>{"labctl-l1.c1", "labctl-l1.c2", "labctl-l1.gw"}));
  json lab = Get("l1");
  EXPECT_TRUE(api::HasFinalizer(lab, api::kTeardownFinalizer));
  EXPECT_EQ(lab["status"]["phase"], "Ready");
  EXPECT_TRUE(api::IsConditionTrue(lab, "Ready"));
  EXPECT_TRUE(api::IsConditionTrue(lab, "Provisioned"));
  EXPECT_EQ(lab["status"]["nodes"].size(), 3u);
  EXPECT_EQ(lab["status"]["nodes"][0]["addresses"]["b"], "10.9.2.1");
  auto gw = engine_.FindContainer("labctl-l1.gw");
  ASSERT_TRUE(gw);
  EXPECT_EQ(gw->endpoints.size(), 2u);  // created on one network, connected to the other
  EXPECT_EQ(docker::LabelOf(gw->info.labels, docker::kLabelUid), api::Uid(lab));
}

TEST_F(LabReconcilerTest, HalfCreatedContainerOfACrashIsRecreatedOnAllItsNetworks) {
  Create(TwoNetLab("l1", 9, ThreeNodes()));
  Settle("l1");
  // As if labd died after creating gw on its first network, before connecting the second.
  engine_.RemoveByName("labctl-l1.gw");
  auto model = reconcilers::ReadLabModel(Get("l1"));
  auto half = engine_.CreateContainer(reconcilers::ContainerSpecFor(model, *model.FindNode("gw")));
  ASSERT_TRUE(half.ok()) << half.status().ToString();
  Settle("l1");
  auto gw = engine_.FindContainer("labctl-l1.gw");
  ASSERT_TRUE(gw);
  EXPECT_NE(gw->info.id, *half);
  EXPECT_EQ(gw->endpoints.size(), 2u);
  EXPECT_TRUE(api::IsConditionTrue(Get("l1"), "Ready"));
}

TEST_F(LabReconcilerTest, ContainerWedgedByADockerdRestartIsRecreated) {
  Create(TwoNetLab("l1", 9, ThreeNodes()));
  Settle("l1");
  engine_.KillByName("labctl-l1.c1");
  engine_.Wedge("labctl-l1.c1");
  std::string old_id = engine_.FindContainer("labctl-l1.c1")->info.id;
  Settle("l1");
  auto c1 = engine_.FindContainer("labctl-l1.c1");
  ASSERT_TRUE(c1);
  EXPECT_NE(c1->info.id, old_id);
  EXPECT_TRUE(c1->info.running);
  EXPECT_TRUE(api::IsConditionTrue(Get("l1"), "Ready"));
}

TEST_F(LabReconcilerTest, IdleReconcileChangesNothingInDocker) {
  Create(TwoNetLab("l1", 9, ThreeNodes()));
  Settle("l1");
  int before = engine_.mutating_calls();
  int calls = engine_.calls();
  auto r = reconciler_->Reconcile("l1");
  EXPECT_TRUE(r.status.ok());
  EXPECT_FALSE(r.requeue_after);
  EXPECT_EQ(engine_.mutating_calls(), before);
  EXPECT_LE(engine_.calls() - calls, 2);  // the two list calls
}

TEST_F(LabReconcilerTest, DependsOnWaitsForReadiness) {
  std::atomic<bool> gw_ready{false};
  engine_.SetExecHandler([&](const std::string& c, const std::vector<std::string>&) {
    return docker::ExecResult{c == "labctl-l2.gw" && !gw_ready ? 1 : 0, "", "not yet"};
  });
  json nodes = json::array({Node("gw", {{"a", "10.9.1.1"}}, {{"readiness", {{"exec", {"true"}}}}}),
                            Node("c1", {{"a", "10.9.1.10"}}, {{"dependsOn", {"gw"}}}),
                            Node("c2", {{"b", "10.9.2.10"}})});
  Create(TwoNetLab("l2", 9, nodes));
  auto r = reconciler_->Reconcile("l2");
  EXPECT_TRUE(r.requeue_after.has_value());
  EXPECT_FALSE(engine_.FindContainer("labctl-l2.c1"));  // gated
  EXPECT_TRUE(engine_.FindContainer("labctl-l2.c2"));   // independent
  json lab = Get("l2");
  EXPECT_EQ(lab["status"]["phase"], "Provisioning");
  EXPECT_NE(lab["status"]["nodes"][1]["message"].get<std::string>().find("waiting for gw"),
            std::string::npos);
  gw_ready = true;
  r = Settle("l2");
  EXPECT_TRUE(r.status.ok());
  auto order = engine_.StartOrder();
  auto pos = [&](const std::string& n) { return std::find(order.begin(), order.end(), n); };
  EXPECT_LT(pos("labctl-l2.gw"), pos("labctl-l2.c1"));
  EXPECT_EQ(Phase("l2"), "Ready");
}

TEST_F(LabReconcilerTest, RestartResetsReadinessFromScratch) {
  std::atomic<bool> ready{true};
  engine_.SetExecHandler([&](const std::string&, const std::vector<std::string>&) {
    return docker::ExecResult{ready ? 0 : 1, "", ""};
  });
  json nodes = json::array({Node("n", {{"a", "10.9.1.5"}}, {{"readiness", {{"exec", {"x"}}}}})});
  Create(TwoNetLab("l3", 9, nodes));
  Settle("l3");
  EXPECT_EQ(Phase("l3"), "Ready");
  ready = false;
  engine_.KillByName("labctl-l3.n");
  auto r = reconciler_->Reconcile("l3");
  EXPECT_TRUE(r.requeue_after.has_value());
  EXPECT_EQ(engine_.FindContainer("labctl-l3.n")->info.state, "running");
  json lab = Get("l3");
  EXPECT_FALSE(lab["status"]["nodes"][0]["ready"].get<bool>());
  EXPECT_EQ(lab["status"]["phase"], "Degraded");
  ready = true;
  Settle("l3");
  EXPECT_EQ(Phase("l3"), "Ready");
}

TEST_F(LabReconcilerTest, SpecChangeRecreatesOnlyChangedNodes) {
  Create(TwoNetLab("l4", 9, ThreeNodes()));
  Settle("l4");
  auto gw_id = engine_.FindContainer("labctl-l4.gw")->info.id;
  auto c1_id = engine_.FindContainer("labctl-l4.c1")->info.id;
  json lab = Get("l4");
  lab["spec"]["nodes"][2]["env"] = {{"ROLE", "changed"}};
  ASSERT_TRUE(store_->Update(api::Kind::kLab, lab).ok());
  Settle("l4");
  EXPECT_EQ(engine_.FindContainer("labctl-l4.gw")->info.id, gw_id);
  EXPECT_EQ(engine_.FindContainer("labctl-l4.c1")->info.id, c1_id);
  auto c2 = engine_.FindContainer("labctl-l4.c2");
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->spec.env.at("ROLE"), "changed");
  EXPECT_EQ(Phase("l4"), "Ready");
  EXPECT_EQ(Get("l4")["status"]["observedGeneration"], 2);
}

TEST_F(LabReconcilerTest, DeletionRemovesEverythingThenTheObject) {
  Create(TwoNetLab("l5", 9, ThreeNodes()));
  Settle("l5");
  ASSERT_TRUE(store_->Delete(api::Kind::kLab, "l5").ok());
  EXPECT_TRUE(store_->Get(api::Kind::kLab, "l5").ok());  // held by the finalizer
  auto r = reconciler_->Reconcile("l5");
  EXPECT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_TRUE(engine_.ContainerNames().empty());
  EXPECT_TRUE(engine_.NetworkNames().empty());
  EXPECT_EQ(store_->Get(api::Kind::kLab, "l5").status().code(), api::Code::kNotFound);
}

TEST_F(LabReconcilerTest, DeletedLabLeavesNoStateInMemory) {
  // Churn of many short-lived labs must not grow labd: what the reconciler remembers per lab
  // goes with the lab.
  for (const std::string name : {"m1", "m2"}) {
    Create(TwoNetLab(name, 9, ThreeNodes()));
    Settle(name);
  }
  EXPECT_EQ(reconciler_->TrackedLabs(), 2u);
  ASSERT_TRUE(store_->Delete(api::Kind::kLab, "m1").ok());
  Settle("m1");  // tears down, then the lab is gone (the DELETED event queues it once more)
  reconciler_->Reconcile("m1");
  EXPECT_EQ(store_->Get(api::Kind::kLab, "m1").status().code(), api::Code::kNotFound);
  EXPECT_EQ(reconciler_->TrackedLabs(), 1u);
}

// This reconciler's instance (DockerRealisationOptions' default), and another labd's.
const std::string kMine = reconcilers::DockerRealisationOptions{}.instance;
const std::string kTheirs = "labd-other";

docker::ContainerSpec Leftover(const std::string& name, const docker::LabelMap& labels) {
  docker::ContainerSpec spec;
  spec.name = name;
  spec.image = "labbox:latest";
  spec.labels = labels;
  return spec;
}

TEST_F(LabReconcilerTest, RemovesOrphansAndObjectsOfAnotherUid) {
  // A leftover of a lab that no longer exists, and one of an older lab with the same name.
  ASSERT_TRUE(engine_
                  .CreateNetwork({"labctl-ghost.a",
                                  "10.8.1.0/24",
                                  "",
                                  "",
                                  docker::NetworkLabels("ghost", "u1", "a", "h", kMine),
                                  {}})
                  .ok());
  ASSERT_TRUE(engine_
                  .CreateContainer(Leftover(
                      "labctl-ghost.n", docker::ContainerLabels("ghost", "u1", "n", "h", kMine)))
                  .ok());
  ASSERT_TRUE(engine_
                  .CreateContainer(Leftover("labctl-l6.gw",
                                            docker::ContainerLabels("l6", "old", "gw", "h", kMine)))
                  .ok());
  auto swept = reconciler_->Reconcile(LabReconciler::kOrphanSweepKey);
  EXPECT_TRUE(swept.status.ok());
  ASSERT_TRUE(swept.requeue_after.has_value());  // sweeps again periodically
  EXPECT_EQ(*swept.requeue_after, reconcilers::LabReconcilerOptions{}.orphan_sweep_period);
  Create(TwoNetLab("l6", 9, ThreeNodes()));
  Settle("l6");
  EXPECT_EQ(engine_.ContainerNames(),
            (std::vector<std::string>{"labctl-l6.c1", "labctl-l6.c2", "labctl-l6.gw"}));
  EXPECT_EQ(engine_.NetworkNames(), (std::vector<std::string>{"labctl-l6.a", "labctl-l6.b"}));
  auto gw = engine_.FindContainer("labctl-l6.gw");
  EXPECT_EQ(docker::LabelOf(gw->info.labels, docker::kLabelUid), api::Uid(Get("l6")));
}

TEST_F(LabReconcilerTest, OnDemandIsUpOnlyWhileHeldPlusIdleWindow) {
  json lab = TwoNetLab("l7", 9, ThreeNodes(), "OnDemand");
  lab["spec"]["idleTimeoutSeconds"] = 60;
  Create(lab);
  Settle("l7");
  EXPECT_TRUE(engine_.ContainerNames().empty());
  EXPECT_EQ(Phase("l7"), "Stopped");
  SetHeldBy("l7", "s1");
  Settle("l7");
  EXPECT_EQ(Phase("l7"), "Ready");
  EXPECT_EQ(engine_.ContainerNames().size(), 3u);
  SetHeldBy("l7", "");
  auto r = reconciler_->Reconcile("l7");
  ASSERT_TRUE(r.requeue_after.has_value());  // wakes at the end of the keep-warm window
  EXPECT_GT(*r.requeue_after, std::chrono::seconds(59));
  EXPECT_EQ(engine_.ContainerNames().size(), 3u);
  clock_.Advance(std::chrono::seconds(61));
  Settle("l7");
  EXPECT_TRUE(engine_.ContainerNames().empty());
  EXPECT_TRUE(engine_.NetworkNames().empty());
  EXPECT_EQ(Phase("l7"), "Stopped");
}

TEST_F(LabReconcilerTest, StoppedAnnotationKeepsAnAlwaysLabDown) {
  Create(TwoNetLab("l8", 9, ThreeNodes()));
  Settle("l8");
  json lab = Get("l8");
  lab["metadata"]["annotations"][reconcilers::kStoppedAnnotation] = "true";
  ASSERT_TRUE(store_->Update(api::Kind::kLab, lab).ok());
  Settle("l8");
  EXPECT_TRUE(engine_.ContainerNames().empty());
  EXPECT_EQ(Phase("l8"), "Stopped");
}

TEST_F(LabReconcilerTest, SkipGroupsLeavesThoseNodesOut) {
  json nodes = ThreeNodes();
  nodes[2]["group"] = "windows";
  json lab = TwoNetLab("l9", 9, nodes);
  lab["spec"]["skipGroups"] = {"windows"};
  Create(lab);
  Settle("l9");
  EXPECT_EQ(engine_.ContainerNames(), (std::vector<std::string>{"labctl-l9.c1", "labctl-l9.gw"}));
  EXPECT_EQ(Phase("l9"), "Ready");
}

TEST_F(LabReconcilerTest, MissingImageIsAClearCondition) {
  engine_.SetImages({"labbox:latest"});
  json nodes = ThreeNodes();
  nodes[1]["image"] = "nosuch:1";
  Create(TwoNetLab("l10", 9, nodes));
  auto r = Settle("l10", 2);
  EXPECT_FALSE(r.status.ok());
  json lab = Get("l10");
  const json* c = api::FindCondition(lab, "Provisioned");
  ASSERT_TRUE(c);
  EXPECT_EQ((*c)["reason"], "ImageNotFound");
  EXPECT_NE((*c)["message"].get<std::string>().find(
                "image \"nosuch:1\" not found: build or load it locally"),
            std::string::npos);
  EXPECT_EQ(lab["status"]["phase"], "Failed");
}

TEST_F(LabReconcilerTest, RefusedPrivilegedIsShownOnTheNode) {
  json nodes = ThreeNodes();
  nodes[0]["privileged"] = true;
  Create(TwoNetLab("l11", 9, nodes));
  auto r = Settle("l11", 2);
  EXPECT_FALSE(r.status.ok());
  json lab = Get("l11");
  EXPECT_EQ(api::FindCondition(lab, "Provisioned")->at("reason"), "StartFailed");
  EXPECT_NE(lab["status"]["nodes"][0]["message"].get<std::string>().find("refuses --privileged"),
            std::string::npos);
}

TEST_F(LabReconcilerTest, RemovedContainerAndNetworkAreRecreated) {
  Create(TwoNetLab("l12", 9, ThreeNodes()));
  Settle("l12");
  engine_.RemoveByName("labctl-l12.c1");
  engine_.KillByName("labctl-l12.c2");
  EXPECT_FALSE(engine_.RemoveNetwork("labctl-l12.b").ok());  // refused while in use
  engine_.KillByName("labctl-l12.gw");
  ASSERT_TRUE(engine_.RemoveNetwork("labctl-l12.b").ok());
  Settle("l12");
  EXPECT_EQ(engine_.NetworkNames(), (std::vector<std::string>{"labctl-l12.a", "labctl-l12.b"}));
  EXPECT_EQ(engine_.ContainerNames().size(), 3u);
  EXPECT_EQ(engine_.FindContainer("labctl-l12.gw")->endpoints.size(), 2u);
  EXPECT_EQ(engine_.FindContainer("labctl-l12.c2")->endpoints.size(), 1u);
  EXPECT_EQ(Phase("l12"), "Ready");
}

TEST_F(LabReconcilerTest, RecreateAnnotationRecreatesOneNodeOnce) {
  Create(TwoNetLab("l13", 9, ThreeNodes()));
  Settle("l13");
  auto gw_id = engine_.FindContainer("labctl-l13.gw")->info.id;
  auto c1_id = engine_.FindContainer("labctl-l13.c1")->info.id;
  json lab = Get("l13");
  lab["metadata"]["annotations"][reconcilers::kRecreateAnnotation] = "2026-01-01T00:00:00Z/c1";
  ASSERT_TRUE(store_->Update(api::Kind::kLab, lab).ok());
  Settle("l13");
  auto c1_new = engine_.FindContainer("labctl-l13.c1")->info.id;
  EXPECT_NE(c1_new, c1_id);
  EXPECT_EQ(engine_.FindContainer("labctl-l13.gw")->info.id, gw_id);
  Settle("l13");
  EXPECT_EQ(engine_.FindContainer("labctl-l13.c1")->info.id, c1_new);  // acted on once
}

TEST_F(LabReconcilerTest, ContainerStartedHookRunsAfterEveryStart) {
  std::atomic<int> hooks{0};
  reconcilers::DockerRealisationOptions o;
  o.network_hook = [&](const reconcilers::LabModel&, const reconcilers::NodeModel&,
                       const docker::ContainerInfo& c) {
    EXPECT_GT(c.pid, 0);
    ++hooks;
    return api::Status::Ok();
  };
  reconciler_ = MakeReconciler(o);
  Create(TwoNetLab("l14", 9, ThreeNodes()));
  Settle("l14");
  EXPECT_EQ(hooks, 3);
  engine_.KillByName("labctl-l14.gw");
  Settle("l14");
  EXPECT_EQ(hooks, 4);
}

TEST_F(LabReconcilerTest, NotFoundLabLeavesNothingBehind) {
  ASSERT_TRUE(engine_
                  .CreateContainer(Leftover("labctl-gone.n",
                                            docker::ContainerLabels("gone", "u", "n", "h", kMine)))
                  .ok());
  auto r = reconciler_->Reconcile("gone");
  EXPECT_TRUE(r.status.ok());
  EXPECT_TRUE(engine_.ContainerNames().empty());
}

TEST_F(LabReconcilerTest, LabOfAnotherLabdOnTheSameEngineIsLeftAlone) {
  // Docker events name labs of every labd on the engine: a lab this store does not hold is
  // cleaned up only as far as this instance made it, and only within the prefix scope.
  reconcilers::LabReconcilerOptions o;
  o.orphan_lab_prefix = "mine";
  auto scoped = MakeReconciler({}, o);
  ASSERT_TRUE(
      engine_
          .CreateContainer(Leftover("labctl-mine-theirs.n",
                                    docker::ContainerLabels("mine-theirs", "u", "n", "h", kTheirs)))
          .ok());
  ASSERT_TRUE(engine_
                  .CreateContainer(Leftover("labctl-mine-old.n",  // from before instances
                                            docker::ContainerLabels("mine-old", "u", "n", "h", "")))
                  .ok());
  ASSERT_TRUE(engine_
                  .CreateContainer(Leftover("labctl-other.n",
                                            docker::ContainerLabels("other", "u", "n", "h", kMine)))
                  .ok());
  ASSERT_TRUE(
      engine_
          .CreateContainer(Leftover("labctl-mine-gone.n",
                                    docker::ContainerLabels("mine-gone", "u", "n", "h", kMine)))
          .ok());
  for (const char* lab : {"mine-theirs", "mine-old", "other", "mine-gone"})
    EXPECT_TRUE(scoped->Reconcile(lab).status.ok());
  const std::vector<std::string> kept = {"labctl-mine-old.n", "labctl-mine-theirs.n",
                                         "labctl-other.n"};
  EXPECT_EQ(engine_.ContainerNames(), kept);
  EXPECT_TRUE(scoped->Reconcile(LabReconciler::kOrphanSweepKey).status.ok());
  EXPECT_EQ(engine_.ContainerNames(), kept);
}

TEST_F(LabReconcilerTest, OrphanSweepRemovesOnlyThisInstancesObjectsOfLabsNotInTheStore) {
  Create(TwoNetLab("l15", 9, ThreeNodes()));
  Settle("l15");
  const std::string uid = api::Uid(Get("l15"));
  for (const auto& [name, labels] : std::vector<std::pair<std::string, docker::LabelMap>>{
           {"labctl-gone.n", docker::ContainerLabels("gone", "u", "n", "h", kMine)},
           {"labctl-theirs.n", docker::ContainerLabels("theirs", "u", "n", "h", kTheirs)},
           {"labctl-old-n", docker::ContainerLabels("old", "u", "n", "h", "")},
           {"labctl-l15.x", docker::ContainerLabels("l15", "other-uid", "x", "h", kTheirs)},
       })
    ASSERT_TRUE(engine_.CreateContainer(Leftover(name, labels)).ok()) << name;
  EXPECT_TRUE(reconciler_->Reconcile(LabReconciler::kOrphanSweepKey).status.ok());
  EXPECT_EQ(engine_.ContainerNames(),
            (std::vector<std::string>{"labctl-l15.c1", "labctl-l15.c2", "labctl-l15.gw",
                                      "labctl-l15.x", "labctl-old-n", "labctl-theirs.n"}));
  // Converging its own lab leaves the other labd's object labelled with the same lab alone.
  Settle("l15");
  EXPECT_TRUE(engine_.FindContainer("labctl-l15.x"));
  // And so does tearing it down.
  ASSERT_TRUE(store_->Delete(api::Kind::kLab, "l15").ok());
  Settle("l15");
  EXPECT_EQ(engine_.ContainerNames(),
            (std::vector<std::string>{"labctl-l15.x", "labctl-old-n", "labctl-theirs.n"}));
  EXPECT_EQ(uid.empty(), false);
}

TEST_F(LabReconcilerTest, NamesThatUsedToCollideAreDistinct) {
  // Lab "c" node "d-e" and lab "c-d" node "e" were both labctl-c-d-e.
  Create(TwoNetLab("c", 9, json::array({Node("d-e", {{"a", "10.9.1.10"}})})));
  Create(TwoNetLab("c-d", 8, json::array({Node("e", {{"a", "10.8.1.10"}})})));
  EXPECT_TRUE(Settle("c").status.ok());
  auto second = Settle("c-d");
  EXPECT_TRUE(second.status.ok()) << second.status.ToString();
  EXPECT_EQ(Phase("c"), "Ready");
  EXPECT_EQ(Phase("c-d"), "Ready");
  EXPECT_EQ(engine_.ContainerNames(), (std::vector<std::string>{"labctl-c-d.e", "labctl-c.d-e"}));
}

TEST_F(LabReconcilerTest, LabUnderTheOldNamesIsAdoptedAsItRuns) {
  // As labd made it before names were unambiguous and objects carried an instance label.
  auto ids = testing::CreateLegacyLab(engine_, Create(TwoNetLab("l16", 9, ThreeNodes())));
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_TRUE(reconciler_->Reconcile(LabReconciler::kOrphanSweepKey).status.ok());
  EXPECT_TRUE(Settle("l16").status.ok());
  EXPECT_EQ(Phase("l16"), "Ready");
  for (const auto& [name, id] : *ids) {
    auto c = engine_.FindContainer(name);
    ASSERT_TRUE(c) << name << " was not adopted";
    EXPECT_EQ(c->info.id, id) << name << " was recreated";
  }
  EXPECT_EQ(engine_.ContainerNames().size(), 3u);
  EXPECT_EQ(engine_.NetworkNames(), (std::vector<std::string>{"labctl-l16-a", "labctl-l16-b"}));
  // A node recreated later joins the adopted networks under their old names.
  engine_.RemoveByName("labctl-l16-gw");
  EXPECT_TRUE(Settle("l16").status.ok());
  auto gw = engine_.FindContainer("labctl-l16.gw");
  ASSERT_TRUE(gw);
  EXPECT_EQ(gw->endpoints.size(), 2u);
  EXPECT_EQ(Phase("l16"), "Ready");
  ASSERT_TRUE(store_->Delete(api::Kind::kLab, "l16").ok());
  Settle("l16");
  EXPECT_TRUE(engine_.ContainerNames().empty());
  EXPECT_TRUE(engine_.NetworkNames().empty());
}

TEST_F(LabReconcilerTest, NodeDisconnectedFromANetworkIsRecreatedOnAllItsNetworks) {
  Create(TwoNetLab("l17", 9, ThreeNodes()));
  Settle("l17");
  std::string old_id = engine_.FindContainer("labctl-l17.gw")->info.id;
  engine_.DisconnectByName("labctl-l17.gw", "labctl-l17.b");
  EXPECT_TRUE(Settle("l17").status.ok());
  auto gw = engine_.FindContainer("labctl-l17.gw");
  ASSERT_TRUE(gw);
  EXPECT_NE(gw->info.id, old_id);
  EXPECT_EQ(gw->endpoints.size(), 2u);
  EXPECT_EQ(Phase("l17"), "Ready");
}

}  // namespace
}  // namespace labctl
