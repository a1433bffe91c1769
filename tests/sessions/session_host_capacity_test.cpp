// The session queue with host capacity (SessionReconcilerOptions::lab_fits wired to a real
// HostPlacer over a real store, as labd wires it; docs/hosts.md): a free slot is not enough, the
// head also needs a Host with room for its Lab; labs promoted in the same run count; the order
// stays strict FIFO; the head goes as soon as a lab leaves its Host.
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
    reconcilers::SessionReconcilerOptions options{5, clock_.Now()};
    options.lab_fits = [this](const std::string& lab, const std::vector<std::string>& admitted) {
      return placer_->Fits(lab, admitted);
    };
    reconciler_ = std::make_unique<SessionReconciler>(*store_, clock_, nullptr, options);
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

}  // namespace
}  // namespace labctl::sessiontest
