// Warm pools over a real store (docs/hosts.md, "Warm pools"): the WarmPoolReconciler keeps
// spec.warmPool.size spare Labs of a template, the session queue hands a Ready spare to a Session
// for the template (status.lab, the spare's heldBy), a used spare is retired and replaced, a
// template spec change rolls the free spares, size 0 and deletion remove them. The Lab
// reconciler's part (bring-up, Ready) is played by SetLabReady; tests/docker/warm_pool_test.cpp
// runs the whole thing against dockerd.
#include "api/warm_pool.h"

#include <gtest/gtest.h>

#include "reconcilers/pool/warm_pool_plan.h"
#include "reconcilers/pool/warm_pool_reconciler.h"
#include "reconcilers/session/session_actions.h"
#include "reconcilers/session/session_reconciler.h"
#include "session_test_util.h"

namespace labctl::sessiontest {
namespace {

using reconcilers::SessionActions;
using reconcilers::SessionReconciler;
using reconcilers::WarmPoolReconciler;

class WarmPoolTest : public StoreFixture {
 protected:
  void SetUp() override {
    reconcilers::SessionReconcilerOptions options{2, clock_.Now()};
    queue_ = std::make_unique<SessionReconciler>(*store_, clock_, nullptr, options);
    reconcilers::WarmPoolReconcilerOptions pool_options;
    pool_options.exclusive = [this](const std::function<void()>& f) { queue_->RunExclusive(f); };
    pool_ = std::make_unique<WarmPoolReconciler>(*store_, nullptr, pool_options);
    json templ = MakeLab("t");
    templ["spec"]["warmPool"] = {{"size", 2}};
    Create(api::Kind::kLab, templ);
  }
  void Queue() {
    auto r = queue_->Reconcile("any");
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  }
  void Pool() {
    auto r = pool_->Reconcile("t");
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  }
  std::vector<std::string> Spares() {
    std::vector<std::string> names;
    for (const auto& lab : store_->List(api::Kind::kLab).items)
      if (api::PoolTemplateOf(lab) == "t") names.push_back(api::Name(lab));
    return names;
  }
  std::string HeldLab(const std::string& session) { return api::SessionLab(Session(session)); }
  json Pool(const std::string& field) {
    return Get(api::Kind::kLab, "t").value("/status/warmPool"_json_pointer, json())[field];
  }
  void SetTemplateSpec(const std::function<void(json&)>& edit) {
    json t = Get(api::Kind::kLab, "t");
    edit(t["spec"]);
    ASSERT_TRUE(store_->Update(api::Kind::kLab, t).ok());
  }

  std::unique_ptr<SessionReconciler> queue_;
  std::unique_ptr<WarmPoolReconciler> pool_;
};

TEST_F(WarmPoolTest, FillsToSizeWithSparesOfTheTemplate) {
  Pool();
  EXPECT_EQ(Spares(), (std::vector<std::string>{"t-warm-1", "t-warm-2"}));
  json spare = Get(api::Kind::kLab, "t-warm-1");
  EXPECT_EQ(spare.value("/spec/runPolicy"_json_pointer, std::string()), "Always");
  EXPECT_FALSE(spare["spec"].contains("warmPool"));
  EXPECT_TRUE(api::SpareIsCurrent(spare, Get(api::Kind::kLab, "t")));
  EXPECT_EQ(Pool("size"), 2);
  EXPECT_EQ(Pool("ready"), 0);
  EXPECT_EQ(Pool("starting"), 2);
  Pool();  // again: nothing doubles
  EXPECT_EQ(Spares().size(), 2u);
  SetLabReady("t-warm-2", "True");
  Pool();
  EXPECT_EQ(Pool("ready"), 1);
}

TEST_F(WarmPoolTest, ASessionIsHandedAReadySpareAndThePoolRefills) {
  Pool();
  SetLabReady("t-warm-2", "True");
  Create(api::Kind::kSession, MakeSession("s1", "t"));
  Queue();
  EXPECT_EQ(Phase("s1"), "Active");
  EXPECT_EQ(HeldLab("s1"), "t-warm-2");
  EXPECT_EQ(HeldBy("t-warm-2"), "s1");
  EXPECT_EQ(HeldBy("t"), "") << "the template itself is not brought up";
  Pool();
  EXPECT_EQ(Spares(), (std::vector<std::string>{"t-warm-1", "t-warm-2", "t-warm-3"}));
  EXPECT_EQ(Pool("inUse"), 1);

  // Released: the used spare is retired (not handed out again), its replacement stays.
  SessionActions actions(*store_, clock_, queue_.get(), nullptr);
  ASSERT_TRUE(actions.Release("s1", api::Principal{}).ok());
  Pool();
  EXPECT_EQ(Spares(), (std::vector<std::string>{"t-warm-1", "t-warm-3"}));
}

TEST_F(WarmPoolTest, WithoutAReadySpareTheSessionTakesOneComingUpOrWaits) {
  Create(api::Kind::kSession, MakeSession("s0", "t"));
  Queue();
  EXPECT_EQ(Phase("s0"), "Waiting") << "no spare yet: the head waits for the pool";
  Pool();  // spares exist, none Ready
  Queue();
  EXPECT_EQ(Phase("s0"), "Active");
  EXPECT_EQ(HeldLab("s0"), "t-warm-1") << "the spare still coming up: a cold bring-up";
  EXPECT_FALSE(api::IsConditionTrue(Session("s0"), "LabReady"));
  EXPECT_EQ(HeldBy("t"), "") << "the template itself is never brought up";
  // A Ready spare goes before one still coming up.
  SetLabReady("t-warm-2", "False");
  Pool();
  SetLabReady("t-warm-3", "True");
  Create(api::Kind::kSession, MakeSession("s1", "t"));
  Queue();
  EXPECT_EQ(HeldLab("s1"), "t-warm-3");
}

TEST_F(WarmPoolTest, LabReadyMirrorsTheSpareOncePreparedForTheSession) {
  Pool();
  SetLabReady("t-warm-1", "True");
  json fresh = Get(api::Kind::kLab, "t-warm-1");
  fresh["status"]["preparedFor"] = "";  // as the Lab reconciler records a bring-up for nobody
  ASSERT_TRUE(store_->UpdateStatus(api::Kind::kLab, fresh).ok());
  Create(api::Kind::kSession, MakeSession("s1", "t"));
  Queue();
  // The spare was brought up for nobody: it is reset for its first Session (lab_handover.h).
  json s = Session("s1");
  EXPECT_EQ(s.value("/status/lab"_json_pointer, std::string()), "t-warm-1");
  const json* ready = api::FindCondition(s, "LabReady");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->value("reason", ""), "Resetting");
  json spare = Get(api::Kind::kLab, "t-warm-1");
  spare["status"]["preparedFor"] = "s1";
  ASSERT_TRUE(store_->UpdateStatus(api::Kind::kLab, spare).ok());
  Queue();
  EXPECT_TRUE(api::IsConditionTrue(Session("s1"), "LabReady"));
}

TEST_F(WarmPoolTest, ASpecChangeRollsTheFreeSparesNotTheOneInUse) {
  Pool();
  SetLabReady("t-warm-1", "True");
  SetLabReady("t-warm-2", "True");
  Create(api::Kind::kSession, MakeSession("s1", "t"));
  Queue();
  const std::string used = HeldLab("s1");
  SetTemplateSpec([](json& spec) { spec["idleTimeoutSeconds"] = 30; });
  Pool();
  std::vector<std::string> spares = Spares();
  EXPECT_NE(std::find(spares.begin(), spares.end(), used), spares.end()) << "in use: kept";
  EXPECT_EQ(spares.size(), 3u);
  json templ = Get(api::Kind::kLab, "t");
  int current = 0;
  for (const auto& name : spares)
    if (name != used && api::SpareIsCurrent(Get(api::Kind::kLab, name), templ)) ++current;
  EXPECT_EQ(current, 2);
  // Old spares are not handed out.
  Create(api::Kind::kSession, MakeSession("s2", "t"));
  Queue();
  EXPECT_NE(HeldLab("s2"), used);
  EXPECT_TRUE(api::SpareIsCurrent(Get(api::Kind::kLab, HeldLab("s2")), templ));
}

TEST_F(WarmPoolTest, ASpareNamedByAnActiveSessionIsNotRetiredBeforeItsHoldIsWritten) {
  Pool();
  SetLabReady("t-warm-1", "True");
  // A session whose promotion landed, its hold on the spare not yet (labd killed in between).
  json s = MakeSession("s1", "t");
  Create(api::Kind::kSession, s);
  s = Session("s1");
  s["status"] = {{"phase", "Active"}, {"lab", "t-warm-1"}, {"queuedRevision", 1}};
  ASSERT_TRUE(store_->UpdateStatus(api::Kind::kSession, s).ok());
  SetTemplateSpec([](json& spec) { spec["idleTimeoutSeconds"] = 30; });
  Pool();
  EXPECT_TRUE(Exists(api::Kind::kLab, "t-warm-1"));
  Queue();
  EXPECT_EQ(HeldBy("t-warm-1"), "s1");
}

TEST_F(WarmPoolTest, SizeZeroAndDeletionRemoveTheSpares) {
  Pool();
  SetTemplateSpec([](json& spec) { spec["warmPool"]["size"] = 1; });
  Pool();
  EXPECT_EQ(Spares(), (std::vector<std::string>{"t-warm-1"}));
  SetTemplateSpec([](json& spec) { spec["warmPool"]["size"] = 0; });
  Pool();
  EXPECT_TRUE(Spares().empty());
  EXPECT_FALSE(Get(api::Kind::kLab, "t")["status"].contains("warmPool"));

  SetTemplateSpec([](json& spec) { spec["warmPool"]["size"] = 2; });
  Pool();
  EXPECT_EQ(Spares().size(), 2u);
  ASSERT_TRUE(store_->Delete(api::Kind::kLab, "t").ok());
  Pool();
  EXPECT_TRUE(Spares().empty());
}

TEST(WarmPoolPlan, KeepsTheReadySparesWhenShrinking) {
  json templ = MakeLab("t");
  templ["spec"]["warmPool"] = {{"size", 1}};
  json a = api::MakeSpare(templ, 1), b = api::MakeSpare(templ, 2);
  b["status"]["conditions"] = json::array({{{"type", "Ready"}, {"status", "True"}}});
  auto plan = reconcilers::PlanWarmPool(templ, {a, b}, {}, {"t-warm-1", "t-warm-2"});
  EXPECT_EQ(plan.remove, (std::vector<std::string>{"t-warm-1"}));
  EXPECT_TRUE(plan.create.empty());
  EXPECT_EQ(plan.state.ready, 1);
}

TEST(WarmPoolPlan, NewSparesAvoidTakenNames) {
  json templ = MakeLab("t");
  templ["spec"]["warmPool"] = {{"size", 2}};
  auto plan = reconcilers::PlanWarmPool(templ, {}, {}, {"t-warm-1"});
  ASSERT_EQ(plan.create.size(), 2u);
  EXPECT_EQ(api::Name(plan.create[0]), "t-warm-2");
  EXPECT_EQ(api::Name(plan.create[1]), "t-warm-3");
}

}  // namespace
}  // namespace labctl::sessiontest
