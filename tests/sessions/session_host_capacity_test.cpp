// The session queue with host capacity (SessionReconcilerOptions::lab_wait wired to a real
// HostPlacer over a real store, as labd wires it; docs/hosts.md): a free slot is not enough, the
// head also needs a Host with room for its Lab; labs promoted in the same run count; the order
// stays strict FIFO; the head goes as soon as a lab leaves its Host and says why it waits. A
// Lab whose Host is lost (HostLost) fails its session with spec.onHostLost Fail, freeing the
// slot, and tells it with Reschedule.
#include <gtest/gtest.h>

#include "reconcilers/host/host_placer.h"
#include "reconcilers/session/session_actions.h"
#include "reconcilers/session/session_reconciler.h"
#include "session_test_util.h"

namespace labctl::sessiontest {
namespace {

using reconcilers::HostPlacer;
using reconcilers::SessionActions;
using reconcilers::SessionReconciler;

class SessionHostCapacityTest : public StoreFixture {
 protected:
  void SetUp() override {
    placer_ = std::make_unique<HostPlacer>(*store_);
    UseSlots(5);
    json host = {{"apiVersion", api::kApiVersion},
                 {"kind", "Host"},
                 {"metadata", {{"name", "h1"}}},
                 {"spec", {{"endpoint", "unix:///h1.sock"}, {"capacity", {{"labs", 2}}}}}};
    Create(api::Kind::kHost, host);
    host = Get(api::Kind::kHost, "h1");
    host["status"]["conditions"] = json::array({{{"type", "Ready"}, {"status", "True"}}});
    ASSERT_TRUE(store_->UpdateStatus(api::Kind::kHost, host).ok());
    for (const char* lab : {"a", "b", "c", "d"}) Create(api::Kind::kLab, MakeLab(lab));
  }
  void Reconcile() {
    auto r = reconciler_->Reconcile("any");
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  }
  // What the Lab reconciler does on bring-up: HostPlacer::Place.
  void BringUp(const std::string& lab) {
    auto placed = placer_->Place(Get(api::Kind::kLab, lab));
    ASSERT_TRUE(placed.ok() && placed->lab) << lab;
  }

  std::string ActiveMessage(const std::string& session) {
    const json object = Session(session);
    const json* c = api::FindCondition(object, "Active");
    return c ? c->value("message", "") : "";
  }
  // What the Host reconciler writes when the lab's Host stops answering (True) or answers again.
  void SetHostLost(const std::string& lab, const std::string& value) {
    json l = Get(api::Kind::kLab, lab);
    api::SetCondition(
        l["status"],
        {"HostLost", value, value == "True" ? "EngineUnreachable" : "EngineReachable",
         value == "True" ? "host h1 stopped answering" : "host h1 answers", api::Generation(l)},
        clock_.Now());
    ASSERT_TRUE(store_->UpdateStatus(api::Kind::kLab, l).ok());
  }
  void UseSlots(int slots) {
    reconcilers::SessionReconcilerOptions options{slots, clock_.Now()};
    options.lab_wait = [this](const std::string& lab, const std::vector<std::string>& admitted) {
      return placer_->WaitReason(lab, admitted);
    };
    reconciler_ = std::make_unique<SessionReconciler>(*store_, clock_, nullptr, options);
  }

  std::unique_ptr<HostPlacer> placer_;
  std::unique_ptr<SessionReconciler> reconciler_;
};

TEST_F(SessionHostCapacityTest, HeadWaitsForHostRoomNotOnlyForASlot) {
  for (const char* s : {"sa", "sb", "sc", "sd"})
    Create(api::Kind::kSession, MakeSession(s, std::string(1, s[1])));
  Reconcile();
  // Two labs fit on h1 (capacity 2), counted within this one run before either is placed.
  EXPECT_EQ(Phase("sa"), "Active");
  EXPECT_EQ(Phase("sb"), "Active");
  EXPECT_EQ(Phase("sc"), "Waiting");
  EXPECT_EQ(Position("sc"), 1);
  EXPECT_EQ(Position("sd"), 2);
  // The head says it waits for a host, and why; the others wait in the queue.
  EXPECT_EQ(ActiveMessage("sc"), "waiting for a host for lab c: h1: full (2/2 labs)");
  EXPECT_EQ(ActiveMessage("sd"), "waiting in the queue");
  BringUp("a");
  BringUp("b");
  Reconcile();
  EXPECT_EQ(Phase("sc"), "Waiting") << "slots are free, h1 is not";

  SessionActions actions(*store_, clock_, reconciler_.get(), nullptr);
  ASSERT_TRUE(actions.Release("sa", api::Principal{}).ok());  // reconciles inline
  EXPECT_EQ(Phase("sc"), "Waiting") << "lab a is still up on h1";
  ASSERT_TRUE(placer_->Release("a").ok());  // the Lab reconciler stopped lab a
  Reconcile();
  EXPECT_EQ(Phase("sc"), "Active");
  EXPECT_EQ(Phase("sd"), "Waiting");
  EXPECT_EQ(Position("sd"), 1);
}

TEST_F(SessionHostCapacityTest, AHeldLabNotYetPlacedKeepsItsPlace) {
  Create(api::Kind::kSession, MakeSession("sa", "a"));
  Create(api::Kind::kSession, MakeSession("sb", "b"));
  Reconcile();  // both Active, labs held, neither placed yet
  Create(api::Kind::kSession, MakeSession("sc", "c"));
  Reconcile();
  EXPECT_EQ(Phase("sc"), "Waiting") << "a and b will take both places on h1";
}

TEST_F(SessionHostCapacityTest, APlacedLabNeedsNoNewRoom) {
  BringUp("a");
  BringUp("b");  // h1 is full, with a and b (runPolicy Always, say, or kept warm)
  Create(api::Kind::kSession, MakeSession("sa", "a"));
  Reconcile();
  EXPECT_EQ(Phase("sa"), "Active");
}

TEST_F(SessionHostCapacityTest, HostLostWithFailFailsTheSessionAndTheQueueMovesOn) {
  UseSlots(1);
  BringUp("a");
  Create(api::Kind::kSession, MakeSession("sa", "a"));
  Create(api::Kind::kSession, MakeSession("sb", "b"));
  Create(api::Kind::kSession, MakeSession("sc", "a"));
  Create(api::Kind::kSession, MakeSession("sd", "d"));
  Reconcile();
  ASSERT_EQ(Phase("sa"), "Active");
  SetHostLost("a", "True");  // spec.onHostLost defaults to Fail
  Reconcile();
  const json failed = Session("sa");
  EXPECT_EQ(Phase("sa"), "Failed");
  EXPECT_EQ(failed.value("/status/reason"_json_pointer, std::string()), "HostLost");
  EXPECT_EQ(failed.value("/status/message"_json_pointer, std::string()),
            "lab a: host h1 stopped answering");
  EXPECT_TRUE(api::IsConditionTrue(failed, "HostLost"));
  EXPECT_EQ(HeldBy("a"), "") << "the failed session's lab is released";
  EXPECT_EQ(Phase("sb"), "Active") << "the next waiter takes the slot";

  // A waiter whose lab is on the lost Host fails when its turn comes instead of blocking.
  SessionActions actions(*store_, clock_, reconciler_.get(), nullptr);
  ASSERT_TRUE(actions.Release("sb", api::Principal{}).ok());
  Reconcile();
  EXPECT_EQ(Phase("sc"), "Failed");
  EXPECT_EQ(Phase("sd"), "Active");
}

TEST_F(SessionHostCapacityTest, HostLostWithRescheduleKeepsTheSessionAndTellsIt) {
  json lab = MakeLab("r");
  lab["spec"]["onHostLost"] = "Reschedule";
  Create(api::Kind::kLab, lab);
  BringUp("r");
  Create(api::Kind::kSession, MakeSession("sr", "r"));
  Reconcile();
  ASSERT_EQ(Phase("sr"), "Active");
  SetHostLost("r", "True");
  Reconcile();
  EXPECT_EQ(Phase("sr"), "Active");
  const json told = Session("sr");
  const json* lost = api::FindCondition(told, "HostLost");
  ASSERT_NE(lost, nullptr);
  EXPECT_EQ(lost->value("status", ""), "True");
  EXPECT_EQ(lost->value("message", ""), "host h1 stopped answering");
  SetHostLost("r", "False");
  Reconcile();
  EXPECT_EQ(Phase("sr"), "Active");
  EXPECT_FALSE(api::IsConditionTrue(Session("sr"), "HostLost"));
}

}  // namespace
}  // namespace labctl::sessiontest
