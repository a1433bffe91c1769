// SessionReconciler against a real Store (temp dir) with a FakeClock: promotion order, slots,
// positions, heartbeat and queue timeouts, restart grace, lab holding and reuse, TTL GC.
#include "reconcilers/session/session_reconciler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "api/session_ownership.h"
#include "reconcilers/lab/lab_handover.h"
#include "reconcilers/session/session_actions.h"
#include "reconcilers/session/session_index.h"
#include "reconcilers/session/session_metrics.h"
#include "session_test_util.h"
#include "tests/support/principal.h"

namespace labctl::sessiontest {
namespace {

using namespace std::chrono_literals;
using reconcilers::SessionActions;
using reconcilers::SessionReconciler;

class SessionReconcilerTest : public StoreFixture {
 protected:
  void Start(int slots = 1) {
    reconciler_ = std::make_unique<SessionReconciler>(
        *store_, clock_, nullptr, reconcilers::SessionReconcilerOptions{slots, clock_.Now()});
    actions_ = std::make_unique<SessionActions>(*store_, clock_, reconciler_.get(), nullptr);
  }
  runtime::ReconcileResult Reconcile() {
    auto r = reconciler_->Reconcile("any");
    EXPECT_TRUE(r.status.ok()) << r.status.ToString();
    return r;
  }
  void Heartbeat(const std::string& name) {
    auto r = actions_->Heartbeat(name, api::Principal{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  void Release(const std::string& name) {
    auto r = actions_->Release(name, api::Principal{});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }

  std::unique_ptr<SessionReconciler> reconciler_;
  std::unique_ptr<SessionActions> actions_;
};

TEST_F(SessionReconcilerTest, PromotesInCreationOrderNotNameOrder) {
  Start();
  for (const char* name : {"zulu", "alpha", "mike"}) Create(api::Kind::kSession, MakeSession(name));
  Reconcile();
  EXPECT_EQ(Phase("zulu"), "Active");
  EXPECT_EQ(Position("zulu"), 0);
  EXPECT_EQ(Phase("alpha"), "Waiting");
  EXPECT_EQ(Position("alpha"), 1);
  EXPECT_EQ(Position("mike"), 2);

  Release("zulu");  // reconciles inline
  EXPECT_EQ(Phase("zulu"), "Released");
  EXPECT_EQ(Phase("alpha"), "Active");
  EXPECT_EQ(Position("mike"), 1);
}

TEST_F(SessionReconcilerTest, CreationOrderSurvivesEarlyStatusWrites) {
  Start();
  Create(api::Kind::kSession, MakeSession("first"));
  Create(api::Kind::kSession, MakeSession("second"));
  // Like the API server's owner stamp: "first" gets a later resourceVersion than "second".
  json first = Session("first");
  first["status"]["owner"] = "alice";
  ASSERT_TRUE(store_->UpdateStatus(api::Kind::kSession, first).ok());
  Reconcile();
  EXPECT_EQ(Phase("first"), "Active");
  EXPECT_EQ(Position("second"), 1);
}

TEST_F(SessionReconcilerTest, TwoSlotsServeTwoAtOnce) {
  Start(2);
  for (const char* name : {"s1", "s2", "s3"}) Create(api::Kind::kSession, MakeSession(name));
  Reconcile();
  EXPECT_EQ(Phase("s1"), "Active");
  EXPECT_EQ(Phase("s2"), "Active");
  EXPECT_EQ(Position("s3"), 1);
  Release("s2");
  EXPECT_EQ(Phase("s3"), "Active");
}

TEST_F(SessionReconcilerTest, ReconcileIsIdempotent) {
  Start();
  Create(api::Kind::kSession, MakeSession("s1"));
  Create(api::Kind::kSession, MakeSession("s2"));
  Reconcile();
  uint64_t revision = store_->Revision();
  Reconcile();
  Reconcile();
  EXPECT_EQ(store_->Revision(), revision);
}

TEST_F(SessionReconcilerTest, ActiveExpiresWithoutHeartbeat) {
  Start();
  Create(api::Kind::kSession, MakeSession("s1", "", 30));
  Create(api::Kind::kSession, MakeSession("s2", "", 30));
  auto first = Reconcile();
  ASSERT_TRUE(first.requeue_after.has_value());
  EXPECT_LE(*first.requeue_after, 31s);
  clock_.Advance(20s);
  Heartbeat("s1");
  clock_.Advance(20s);  // 40 s after promotion, 20 s after the heartbeat
  Reconcile();
  EXPECT_EQ(Phase("s1"), "Active");
  clock_.Advance(11s);
  Reconcile();
  EXPECT_EQ(Phase("s1"), "Expired");
  EXPECT_EQ(Session("s1").value("/status/reason"_json_pointer, std::string()), "HeartbeatTimeout");
  EXPECT_EQ(Phase("s2"), "Active");
}

// A heartbeat is written only once the stored one is a tenth of the timeout old: 200 holders
// heartbeating every 2 s must not each cost a write. A session still expires no earlier than 90%
// of its timeout after its last heartbeat, and one heartbeating keeps its slot.
TEST_F(SessionReconcilerTest, HeartbeatsMoreFrequentThanATenthOfTheTimeoutWriteNothing) {
  Start();
  Create(api::Kind::kSession, MakeSession("s1", "", 100));  // writes at most every 10 s
  Reconcile();
  ASSERT_EQ(Phase("s1"), "Active");
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(2s);
    uint64_t revision = store_->Revision();
    Heartbeat("s1");
    EXPECT_EQ(store_->Revision(), revision) << "heartbeat " << i;
  }
  clock_.Advance(2s);  // 10 s after the last write
  uint64_t revision = store_->Revision();
  Heartbeat("s1");
  EXPECT_EQ(store_->Revision(), revision + 1);
  for (int i = 0; i < 60; ++i) {  // two minutes of heartbeats every 2 s: never expires
    clock_.Advance(2s);
    Heartbeat("s1");
    Reconcile();
  }
  EXPECT_EQ(Phase("s1"), "Active");
  clock_.Advance(89s);  // stops: at least 90 s after its last heartbeat, it is still Active
  Reconcile();
  EXPECT_EQ(Phase("s1"), "Active");
  clock_.Advance(11s);
  Reconcile();
  EXPECT_EQ(Phase("s1"), "Expired");
}

TEST_F(SessionReconcilerTest, WaitingExpiresWhenPositionStuck) {
  Start();
  Create(api::Kind::kSession, MakeSession("holder", "", 300, 60));
  Create(api::Kind::kSession, MakeSession("stuck", "", 300, 60));
  Create(api::Kind::kSession, MakeSession("alive", "", 300, 60));
  Reconcile();
  clock_.Advance(40s);
  Heartbeat("alive");  // a waiter that heartbeats is not abandoned
  clock_.Advance(21s);
  Reconcile();
  EXPECT_EQ(Phase("stuck"), "Expired");
  EXPECT_EQ(Session("stuck").value("/status/reason"_json_pointer, std::string()), "QueueTimeout");
  EXPECT_EQ(Phase("alive"), "Waiting");
  EXPECT_EQ(Position("alive"), 1);  // moved up: its queue clock restarts
  EXPECT_EQ(Phase("holder"), "Active");
}

TEST_F(SessionReconcilerTest, NoExpiryBeforeFullTimeoutAfterRestart) {
  Start();
  Create(api::Kind::kSession, MakeSession("s1", "", 60));
  Reconcile();
  clock_.Advance(50s);
  // labd restarts: a new reconciler whose start time is now.
  reconciler_ = std::make_unique<SessionReconciler>(
      *store_, clock_, nullptr, reconcilers::SessionReconcilerOptions{1, clock_.Now()});
  clock_.Advance(30s);  // 80 s since the last heartbeat, 30 s since the restart
  Reconcile();
  EXPECT_EQ(Phase("s1"), "Active");
  clock_.Advance(31s);
  Reconcile();
  EXPECT_EQ(Phase("s1"), "Expired");
}

TEST_F(SessionReconcilerTest, HeldLabBlocksTheHeadAndEveryoneBehind) {
  Start(2);
  Create(api::Kind::kLab, MakeLab("lab-a"));
  Create(api::Kind::kLab, MakeLab("lab-b"));
  Create(api::Kind::kSession, MakeSession("s1", "lab-a"));
  Create(api::Kind::kSession, MakeSession("s2", "lab-a"));
  Create(api::Kind::kSession, MakeSession("s3", "lab-b"));
  Reconcile();
  EXPECT_EQ(Phase("s1"), "Active");
  EXPECT_EQ(HeldBy("lab-a"), "s1");
  EXPECT_EQ(Position("s2"), 1);
  EXPECT_EQ(Position("s3"), 2);  // strict FIFO: no overtaking though a slot and lab-b are free
  EXPECT_EQ(HeldBy("lab-b"), "");

  Release("s1");
  EXPECT_EQ(Phase("s2"), "Active");
  EXPECT_EQ(Phase("s3"), "Active");
  EXPECT_EQ(HeldBy("lab-a"), "s2");
  EXPECT_EQ(HeldBy("lab-b"), "s3");
}

TEST_F(SessionReconcilerTest, LabReadyMirrorsTheLab) {
  Start();
  Create(api::Kind::kLab, MakeLab("lab-a"));
  Create(api::Kind::kSession, MakeSession("s1", "lab-a"));
  Reconcile();
  EXPECT_FALSE(api::IsConditionTrue(Session("s1"), "LabReady"));
  SetLabReady("lab-a", "True");
  Reconcile();
  EXPECT_TRUE(api::IsConditionTrue(Session("s1"), "LabReady"));
}

TEST_F(SessionReconcilerTest, MissingLabIsReportedNotFound) {
  Start();
  Create(api::Kind::kSession, MakeSession("s1", "ghost"));
  Reconcile();
  json session = Session("s1");
  const json* c = api::FindCondition(session, "LabReady");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->value("reason", ""), "LabNotFound");
}

TEST_F(SessionReconcilerTest, NextSessionForSameLabReusesItWithoutRelease) {
  Start();
  Create(api::Kind::kLab, MakeLab("lab-a"));
  Create(api::Kind::kSession, MakeSession("s1", "lab-a"));
  Create(api::Kind::kSession, MakeSession("s2", "lab-a"));
  Reconcile();
  SetLabReady("lab-a", "True");
  Reconcile();
  Release("s1");
  // The hold passes straight from s1 to s2: the lab never looks released, so it stays up.
  json lab = Get(api::Kind::kLab, "lab-a");
  EXPECT_EQ(lab.value("/status/heldBy"_json_pointer, std::string()), "s2");
  EXPECT_FALSE(lab["status"].contains("releasedAt"));
  EXPECT_TRUE(api::IsConditionTrue(Session("s2"), "LabReady"));
}

TEST_F(SessionReconcilerTest, HandedOverLabIsNotReadyForTheNextSessionUntilResetForIt) {
  Start();
  Create(api::Kind::kLab, MakeLab("lab-a", 3600));
  Create(api::Kind::kSession, MakeSession("s1", "lab-a"));
  Create(api::Kind::kSession, MakeSession("s2", "lab-a"));
  Reconcile();
  auto prepare = [&](const std::string& session) {
    json lab = Get(api::Kind::kLab, "lab-a");
    lab["status"][reconcilers::kPreparedForField] = session;
    ASSERT_TRUE(store_->UpdateStatus(api::Kind::kLab, lab).ok());
  };
  prepare("s1");
  SetLabReady("lab-a", "True");
  Reconcile();
  EXPECT_TRUE(api::IsConditionTrue(Session("s1"), "LabReady"));
  Release("s1");
  // The Lab still says Ready (from s1's time) but has not been reset for s2 yet.
  ASSERT_EQ(HeldBy("lab-a"), "s2");
  json s2 = Session("s2");
  EXPECT_FALSE(api::IsConditionTrue(s2, "LabReady"));
  const json* c = api::FindCondition(s2, "LabReady");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->value("reason", ""), "Resetting");
  prepare("s2");
  Reconcile();
  EXPECT_TRUE(api::IsConditionTrue(Session("s2"), "LabReady"));
}

TEST_F(SessionReconcilerTest, ReleaseOfLastHolderMarksLabReleased) {
  Start();
  Create(api::Kind::kLab, MakeLab("lab-a"));
  Create(api::Kind::kSession, MakeSession("s1", "lab-a"));
  Reconcile();
  Release("s1");
  json lab = Get(api::Kind::kLab, "lab-a");
  EXPECT_FALSE(lab["status"].contains("heldBy"));
  EXPECT_EQ(lab.value("/status/releasedAt"_json_pointer, std::string()),
            api::FormatTime(clock_.Now()));
}

TEST_F(SessionReconcilerTest, WarmLabStaysForSameLabAndGoesDownForAnother) {
  Start();
  Create(api::Kind::kLab, MakeLab("lab-a", 600));
  Create(api::Kind::kLab, MakeLab("lab-b"));
  Create(api::Kind::kSession, MakeSession("s1", "lab-a"));
  Reconcile();
  Release("s1");
  std::string released = api::FormatTime(clock_.Now());
  EXPECT_EQ(Get(api::Kind::kLab, "lab-a").value("/status/releasedAt"_json_pointer, std::string()),
            released);  // warm: the LabReconciler keeps it up for 600 s

  clock_.Advance(10s);
  Create(api::Kind::kSession, MakeSession("s2", "lab-a"));
  Reconcile();
  EXPECT_EQ(HeldBy("lab-a"), "s2");  // reused while warm
  Release("s2");

  Create(api::Kind::kSession, MakeSession("s3", "lab-b"));
  Reconcile();
  EXPECT_EQ(HeldBy("lab-b"), "s3");
  // One slot: the warm lab-a must go down first, so its keep-warm window is ended.
  EXPECT_EQ(Get(api::Kind::kLab, "lab-a").value("/status/releasedAt"_json_pointer, std::string()),
            api::FormatTime(api::TimePoint{}));
}

TEST_F(SessionReconcilerTest, DeletingActiveSessionReleasesLabAndPromotes) {
  Start();
  Create(api::Kind::kLab, MakeLab("lab-a"));
  Create(api::Kind::kSession, MakeSession("s1", "lab-a"));
  Create(api::Kind::kSession, MakeSession("s2"));
  Reconcile();
  ASSERT_TRUE(api::HasFinalizer(Session("s1"), reconcilers::kSessionFinalizer));
  ASSERT_TRUE(store_->Delete(api::Kind::kSession, "s1").ok());
  EXPECT_TRUE(Exists(api::Kind::kSession, "s1"));  // held by the finalizer
  Reconcile();
  EXPECT_FALSE(Exists(api::Kind::kSession, "s1"));
  EXPECT_EQ(HeldBy("lab-a"), "");
  EXPECT_EQ(Phase("s2"), "Active");
}

TEST_F(SessionReconcilerTest, FinishedSessionsAreCollectedAfterTtl) {
  Start();
  Create(api::Kind::kSession, MakeSession("s1", "", 300, 600, 120));
  Reconcile();
  Release("s1");
  EXPECT_FALSE(api::HasFinalizer(Session("s1"), reconcilers::kSessionFinalizer));
  clock_.Advance(119s);
  auto r = Reconcile();
  EXPECT_TRUE(Exists(api::Kind::kSession, "s1"));
  ASSERT_TRUE(r.requeue_after.has_value());
  EXPECT_LE(*r.requeue_after, 2s);
  clock_.Advance(2s);
  Reconcile();
  EXPECT_FALSE(Exists(api::Kind::kSession, "s1"));
}

TEST_F(SessionReconcilerTest, OnlyOwnerOrAdminMayHeartbeatOrRelease) {
  Start();
  json s = MakeSession("owned");
  api::SetOwnerAnnotation(s, "alice");
  Create(api::Kind::kSession, s);
  Reconcile();
  EXPECT_EQ(Session("owned").value("/status/owner"_json_pointer, std::string()), "alice");
  auto denied = actions_->Heartbeat("owned", testing::User("bob", {"dev"}));
  EXPECT_EQ(denied.status().code(), api::Code::kForbidden);
  EXPECT_EQ(actions_->Release("owned", testing::User("bob")).status().code(),
            api::Code::kForbidden);
  EXPECT_TRUE(actions_->Heartbeat("owned", testing::User("alice")).ok());
  EXPECT_TRUE(actions_->Release("owned", testing::User("root", {"admin"})).ok());
  EXPECT_EQ(Phase("owned"), "Released");
}

TEST_F(SessionReconcilerTest, HeartbeatOfFinishedSessionConflicts) {
  Start();
  Create(api::Kind::kSession, MakeSession("s1"));
  Reconcile();
  Release("s1");
  EXPECT_EQ(actions_->Heartbeat("s1", api::Principal{}).status().code(), api::Code::kConflict);
  EXPECT_EQ(actions_->Heartbeat("nope", api::Principal{}).status().code(), api::Code::kNotFound);
}

TEST_F(SessionReconcilerTest, ReleaseWhileWaitingCancels) {
  Start();
  Create(api::Kind::kSession, MakeSession("s1"));
  Create(api::Kind::kSession, MakeSession("s2"));
  Create(api::Kind::kSession, MakeSession("s3"));
  Reconcile();
  Release("s2");
  EXPECT_EQ(Phase("s2"), "Cancelled");
  EXPECT_EQ(Position("s3"), 1);
}

// The changes an inline run plans itself (Admit's create, a release's write) are refused by the
// controller's watch filter, so they wake no controller thread; the run asks for the follow-up
// the controller would have scheduled (the heartbeat deadline). Other writes still get through.
TEST_F(SessionReconcilerTest, InlineRunsClaimTheirOwnChangesAndScheduleTheFollowUp) {
  Start();
  std::vector<std::chrono::milliseconds> follow_ups;
  reconciler_->SetFollowUp([&](std::chrono::milliseconds d) { follow_ups.push_back(d); });
  store::WatchOptions options;
  options.from_revision = store_->Revision();
  options.live_filter = [this](const store::WatchEvent& e) { return reconciler_->NeedsRun(e); };
  auto watch = std::move(store_->WatchKind(api::Kind::kSession, options)).value();
  auto next_name = [&]() -> std::string {
    store::WatchEvent e;
    if (watch->Poll(&e, 100ms) != store::Watch::Next::kEvent || !e.object) return "";
    return api::Name(*e.object);
  };

  auto admitted = actions_->Admit(MakeSession("s1", "", /*heartbeat=*/300));
  ASSERT_TRUE(admitted.ok()) << admitted.status().ToString();
  EXPECT_EQ((*admitted)["status"]["phase"], "Active");
  EXPECT_EQ(next_name(), "");  // claimed: no event for the controller
  ASSERT_EQ(follow_ups.size(), 1u);
  EXPECT_GT(follow_ups[0], 0ms);  // the heartbeat deadline, not "run now"
  EXPECT_LE(follow_ups[0], 301s);

  Create(api::Kind::kSession, MakeSession("s2"));  // a write no inline run planned
  EXPECT_EQ(next_name(), "s2");
  Reconcile();  // the controller's own run: its writes are seen
  while (!next_name().empty()) {
  }

  Release("s1");  // the release is claimed; the promotion of s2 it causes is not
  std::vector<std::string> after_release;
  for (std::string n = next_name(); !n.empty(); n = next_name()) after_release.push_back(n);
  EXPECT_THAT(after_release, ::testing::Contains("s2"));
  EXPECT_THAT(after_release, ::testing::Not(::testing::Contains("s1")));
  EXPECT_EQ(Phase("s1"), "Released");
  EXPECT_EQ(Phase("s2"), "Active");
}

// A Session admitted through SessionActions::Admit comes back already placed, in one write,
// and the waiters ahead of it are not rewritten.
TEST_F(SessionReconcilerTest, AdmitPlacesTheSessionInOneWriteAndLeavesTheQueueAlone) {
  Start();
  for (const char* name : {"s1", "s2", "s3"}) Create(api::Kind::kSession, MakeSession(name));
  Reconcile();
  std::map<std::string, std::string> before;
  for (const char* name : {"s1", "s2", "s3"}) before[name] = api::ResourceVersion(Session(name));
  uint64_t revision = store_->Revision();
  auto admitted = actions_->Admit(MakeSession("s4"));
  ASSERT_TRUE(admitted.ok()) << admitted.status().ToString();
  EXPECT_EQ((*admitted)["status"]["phase"], "Waiting");
  EXPECT_EQ((*admitted)["status"]["position"], 3);
  EXPECT_EQ(store_->Revision(), revision + 1);
  for (const auto& [name, rv] : before) EXPECT_EQ(api::ResourceVersion(Session(name)), rv) << name;
  Reconcile();  // nothing left to do
  EXPECT_EQ(store_->Revision(), revision + 1);

  auto last = actions_->Admit(MakeSession("a1"));
  ASSERT_TRUE(last.ok());
  EXPECT_EQ((*last)["status"]["position"], 4);
  Release("s1");
  Release("s2");
  Release("s3");
  Release("s4");
  EXPECT_EQ(Phase("a1"), "Active");
  EXPECT_TRUE(api::HasFinalizer(Session("a1"), reconcilers::kSessionFinalizer));
}

// Waiters the last run left settled are re-planned when they move or change: positions stay
// right after promotions, a cancellation in the middle and a waiter's own status write.
TEST_F(SessionReconcilerTest, PositionsStayRightAsTheQueueMoves) {
  Start();
  for (int i = 1; i <= 6; ++i)
    ASSERT_TRUE(actions_->Admit(MakeSession("s" + std::to_string(i))).ok());
  Reconcile();
  for (int i = 2; i <= 6; ++i) EXPECT_EQ(Position("s" + std::to_string(i)), i - 1);
  Heartbeat("s5");  // its resourceVersion moves
  Release("s3");    // cancelled in the middle
  EXPECT_EQ(Position("s4"), 2);
  EXPECT_EQ(Position("s5"), 3);
  Release("s1");
  EXPECT_EQ(Phase("s2"), "Active");
  EXPECT_EQ(Position("s4"), 1);
  EXPECT_EQ(Position("s5"), 2);
  EXPECT_EQ(Position("s6"), 3);
  Reconcile();
  EXPECT_EQ(Position("s6"), 3);
}

// A waiter's position is not stored: a promotion with many waiters writes the hand-over only
// (no waiter's resourceVersion moves), and every waiter reads its new position all the same.
TEST_F(SessionReconcilerTest, PromotionRewritesNoWaiter) {
  Start();
  constexpr int kWaiters = 60;
  for (int i = 0; i <= kWaiters; ++i)
    ASSERT_TRUE(actions_->Admit(MakeSession("w" + std::to_string(i))).ok());
  Reconcile();
  std::map<std::string, std::string> before;
  for (int i = 1; i <= kWaiters; ++i) {
    const std::string name = "w" + std::to_string(i);
    EXPECT_EQ(Position(name), i);
    EXPECT_FALSE(Session(name)["status"].contains("position")) << name;
    before[name] = api::ResourceVersion(Session(name));
  }
  uint64_t revision = store_->Revision();
  Release("w0");
  Reconcile();
  EXPECT_EQ(Phase("w1"), "Active");
  EXPECT_EQ(store_->Revision(), revision + 2);  // the release and the promotion
  for (int i = 2; i <= kWaiters; ++i) {
    const std::string name = "w" + std::to_string(i);
    EXPECT_EQ(Position(name), i - 1) << name;
    EXPECT_EQ(api::ResourceVersion(Session(name)), before[name]) << name;
  }
}

// Finished Sessions awaiting collection are not read by a planning run; they are collected on
// time all the same.
TEST_F(SessionReconcilerTest, FinishedSessionsAreLeftOutOfPlanningUntilCollected) {
  Start();
  Create(api::Kind::kSession, MakeSession("done", "", 300, 600, 60));
  Create(api::Kind::kSession, MakeSession("live"));
  Reconcile();
  Release("done");
  auto inputs = reconcilers::ReadQueueInputs(*store_, clock_.Now());
  ASSERT_EQ(inputs.sessions.size(), 1u);
  EXPECT_EQ(api::Name(*inputs.sessions[0]), "live");
  ASSERT_TRUE(inputs.next_collection.has_value());
  clock_.Advance(61s);
  inputs = reconcilers::ReadQueueInputs(*store_, clock_.Now());
  EXPECT_EQ(inputs.sessions.size(), 2u);  // now due
  Reconcile();
  EXPECT_FALSE(Exists(api::Kind::kSession, "done"));
}

// A release behind a settled queue plans only the Active Sessions and the head, not the waiters
// behind it: each of them moves up, which restarts its queue clock at the release (a waiter that
// then stays at its new place for its whole queue timeout expires, one that moved does not).
TEST_F(SessionReconcilerTest, HandOverPlansTheHeadAloneAndRestartsEveryWaitersClock) {
  Start();
  for (const char* name : {"holder", "w1", "w2", "w3"})
    ASSERT_TRUE(actions_->Admit(MakeSession(name, "", 300, 60)).ok());
  Reconcile();
  clock_.Advance(50s);
  Heartbeat("holder");
  Reconcile();  // settled again after the heartbeat
  const uint64_t whole = reconcilers::QueuePlans(true);
  const uint64_t handovers = reconcilers::QueuePlans(false);
  Release("holder");
  EXPECT_EQ(reconcilers::QueuePlans(true), whole);
  EXPECT_EQ(reconcilers::QueuePlans(false), handovers + 1);
  EXPECT_EQ(Phase("w1"), "Active");
  EXPECT_EQ(Position("w2"), 1);
  EXPECT_EQ(Position("w3"), 2);
  Reconcile();  // the controller's run after the release: nothing left to plan
  EXPECT_EQ(reconcilers::QueuePlans(true), whole);

  clock_.Advance(50s);  // 100 s after they queued, 50 s after they moved up
  Heartbeat("w1");
  Reconcile();
  EXPECT_EQ(Phase("w2"), "Waiting");
  EXPECT_EQ(Phase("w3"), "Waiting");
  clock_.Advance(11s);  // 61 s at the same place
  Reconcile();
  EXPECT_EQ(Phase("w2"), "Expired");
  EXPECT_EQ(Phase("w1"), "Active");
}

// The hand-over's partial run leaves the queue as a whole run would: a second release and a new
// waiter find every position right, and a full run afterwards writes nothing.
TEST_F(SessionReconcilerTest, HandOversInARowKeepPositionsExact) {
  Start();
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE(actions_->Admit(MakeSession("s" + std::to_string(i))).ok());
  Reconcile();
  Release("s0");
  Release("s1");
  ASSERT_TRUE(actions_->Admit(MakeSession("late")).ok());
  EXPECT_EQ(Phase("s2"), "Active");
  EXPECT_EQ(Position("s3"), 1);
  EXPECT_EQ(Position("s5"), 3);
  EXPECT_EQ(Position("late"), 4);
  const uint64_t revision = store_->Revision();
  reconciler_->PromoteNow();
  EXPECT_EQ(store_->Revision(), revision);
}

}  // namespace
}  // namespace labctl::sessiontest
