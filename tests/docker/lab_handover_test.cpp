// Warm hand-over of a Lab from one Session to the next (lab_handover.h), against the in-memory
// FakeEngine and a real Store: the reset step is injected and counted (the fake cannot enter
// namespaces; tests/docker/warm_handover_test.cpp runs the real one).
#include "reconcilers/lab/lab_handover.h"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>

#include "api/object.h"
#include "api/warm_pool.h"
#include "docker/fake_lab_test.h"

namespace labctl {
namespace {

using api::json;
using reconcilers::LabModel;
using reconcilers::LabReconciler;
using testing::Node;
using testing::TwoNetLab;

class LabHandOverTest : public testing::FakeLabTest {
 protected:
  void SetUp() override { reconciler_ = MakeCountingReconciler(); }

  // A reconciler (a labd process) whose reset step counts calls and runs `on_reset_`.
  std::unique_ptr<LabReconciler> MakeCountingReconciler() {
    reconcilers::DockerRealisationOptions o;
    o.reset_lab = [this](const LabModel& lab) {
      ++resets_;
      return on_reset_ ? on_reset_(lab) : api::Status::Ok();
    };
    return MakeReconciler(o);
  }

  // An OnDemand lab kept warm for an hour, up and Ready for session s1.
  void UpForFirstSession(const std::string& name) {
    json lab = TwoNetLab(name, 9,
                         json::array({Node("gw", {{"a", "10.9.1.1"}, {"b", "10.9.2.1"}}),
                                      Node("c1", {{"a", "10.9.1.10"}})}),
                         "OnDemand");
    lab["spec"]["idleTimeoutSeconds"] = 3600;
    ASSERT_TRUE(store_->Create(api::Kind::kLab, lab).ok());
    SetHeldBy(name, "s1");
    ASSERT_TRUE(Settle(name).status.ok());
    ASSERT_TRUE(api::IsConditionTrue(Get(name), "Ready"));
  }

  std::string PreparedFor(const std::string& name) {
    return Get(name)["status"].value(reconcilers::kPreparedForField, "?");
  }
  std::string ReadyReason(const std::string& name) {
    json lab = Get(name);
    const json* c = api::FindCondition(lab, "Ready");
    return c ? c->value("reason", "") : "";
  }
  std::vector<std::string> ContainerIds(const std::string& name) {
    std::vector<std::string> ids;
    for (const auto& n : Get(name)["status"]["nodes"]) ids.push_back(n.value("containerID", ""));
    return ids;
  }

  std::atomic<int> resets_{0};
  std::function<api::Status(const LabModel&)> on_reset_;
};

TEST_F(LabHandOverTest, FreshBringUpForASessionNeedsNoReset) {
  UpForFirstSession("h1");
  EXPECT_EQ(resets_, 0);
  EXPECT_EQ(PreparedFor("h1"), "s1");
}

TEST_F(LabHandOverTest, WarmLabIsResetExactlyOnceBeforeTheNextSessionSeesItReady) {
  UpForFirstSession("h2");
  const auto ids = ContainerIds("h2");
  SetHeldBy("h2", "");  // s1 released: the lab stays warm, nothing to reset yet
  ASSERT_TRUE(Settle("h2").status.ok());
  EXPECT_EQ(resets_, 0);
  on_reset_ = [&](const LabModel& lab) {
    EXPECT_EQ(lab.name, "h2");
    EXPECT_FALSE(api::IsConditionTrue(Get("h2"), "Ready"));
    EXPECT_EQ(ReadyReason("h2"), "Resetting");
    EXPECT_EQ(PreparedFor("h2"), "s1");  // the record follows the reset, never precedes it
    return api::Status::Ok();
  };
  SetHeldBy("h2", "s2");
  ASSERT_TRUE(Settle("h2").status.ok());
  EXPECT_EQ(resets_, 1);
  EXPECT_TRUE(api::IsConditionTrue(Get("h2"), "Ready"));
  EXPECT_EQ(PreparedFor("h2"), "s2");
  EXPECT_EQ(ContainerIds("h2"), ids);  // reset, not recreated
  ASSERT_TRUE(Settle("h2").status.ok());
  EXPECT_EQ(resets_, 1);
}

TEST_F(LabHandOverTest, HoldPassedStraightToTheNextSessionIsResetToo) {
  UpForFirstSession("h3");
  SetHeldBy("h3", "s2");  // no release in between (the queue hands the hold over in one write)
  ASSERT_TRUE(Settle("h3").status.ok());
  EXPECT_EQ(resets_, 1);
  EXPECT_EQ(PreparedFor("h3"), "s2");
}

TEST_F(LabHandOverTest, FailedOrInterruptedResetIsRunAgainAndRecordedOnlyAfterSuccess) {
  UpForFirstSession("h4");
  SetHeldBy("h4", "s2");
  on_reset_ = [](const LabModel&) { return api::Status::Unavailable("nsenter refused"); };
  auto r = reconciler_->Reconcile("h4");
  EXPECT_FALSE(r.status.ok());  // retried with back-off
  EXPECT_EQ(resets_, 1);
  EXPECT_EQ(ReadyReason("h4"), "ResetFailed");
  EXPECT_EQ(PreparedFor("h4"), "s1");
  // labd restarts (a new process, nothing in memory): the reset runs again, then is recorded.
  on_reset_ = nullptr;
  reconciler_ = MakeCountingReconciler();
  ASSERT_TRUE(Settle("h4").status.ok());
  EXPECT_EQ(resets_, 2);
  EXPECT_EQ(PreparedFor("h4"), "s2");
  EXPECT_TRUE(api::IsConditionTrue(Get("h4"), "Ready"));
}

TEST_F(LabHandOverTest, LabBroughtUpAgainAfterItsKeepWarmWindowIsFreshForTheNextSession) {
  UpForFirstSession("h5");
  SetHeldBy("h5", "");
  clock_.Advance(std::chrono::seconds(3601));
  ASSERT_TRUE(Settle("h5").status.ok());
  ASSERT_TRUE(engine_.ContainerNames().empty());
  SetHeldBy("h5", "s2");
  ASSERT_TRUE(Settle("h5").status.ok());
  EXPECT_EQ(resets_, 0);
  EXPECT_EQ(PreparedFor("h5"), "s2");
}

TEST_F(LabHandOverTest, AlwaysLabUpWithoutAHolderIsResetForItsFirstSession) {
  ASSERT_TRUE(store_
                  ->Create(api::Kind::kLab,
                           TwoNetLab("h6", 9, json::array({Node("c1", {{"a", "10.9.1.10"}})})))
                  .ok());
  ASSERT_TRUE(Settle("h6").status.ok());
  EXPECT_EQ(PreparedFor("h6"), "");  // anyone with exec rights may have used it since
  SetHeldBy("h6", "s1");
  ASSERT_TRUE(Settle("h6").status.ok());
  EXPECT_EQ(resets_, 1);
  EXPECT_EQ(PreparedFor("h6"), "s1");
}

TEST_F(LabHandOverTest, ASpareNobodyHeldIsHandedToItsFirstSessionWithoutReset) {
  json templ = TwoNetLab("h8", 9, json::array({Node("c1", {{"a", "10.9.1.10"}})}), "OnDemand");
  templ["spec"]["warmPool"] = {{"size", 1}};
  ASSERT_TRUE(store_->Create(api::Kind::kLab, api::MakeSpare(templ, 1)).ok());
  ASSERT_TRUE(Settle("h8-warm-1").status.ok());
  ASSERT_TRUE(api::IsConditionTrue(Get("h8-warm-1"), "Ready"));
  EXPECT_EQ(PreparedFor("h8-warm-1"), "");
  SetHeldBy("h8-warm-1", "s1");  // the session queue hands it out
  ASSERT_TRUE(Settle("h8-warm-1").status.ok());
  EXPECT_EQ(resets_, 0) << "untouched since its bring-up";
  EXPECT_EQ(PreparedFor("h8-warm-1"), "s1");
  SetHeldBy("h8-warm-1", "s2");  // used: the next holder gets it reset as any warm lab
  ASSERT_TRUE(Settle("h8-warm-1").status.ok());
  EXPECT_EQ(resets_, 1);
}

TEST_F(LabHandOverTest, LabWithoutARecordIsAdoptedForItsHolderWithoutReset) {
  UpForFirstSession("h7");
  json lab = Get("h7");  // as written by a labd from before status.preparedFor
  lab["status"].erase(reconcilers::kPreparedForField);
  lab["status"]["heldBy"] = "s2";
  ASSERT_TRUE(store_->UpdateStatus(api::Kind::kLab, lab).ok());
  ASSERT_TRUE(Settle("h7").status.ok());
  EXPECT_EQ(resets_, 0);
  EXPECT_EQ(PreparedFor("h7"), "s2");
}

}  // namespace
}  // namespace labctl
