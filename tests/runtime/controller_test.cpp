#include "controller/runtime/controller.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>

#include "api/steady_clock.h"
#include "runtime_test_util.h"
#include "tests/support/poll.h"
#include "tests/support/temp_store.h"

namespace labctl::runtime {
namespace {

using std::chrono::milliseconds;
using testing::kPatience;
using testing::PollUntil;

// Counts reconciles per key; each run's result comes from `behaviour` (default: Done).
class RecordingReconciler : public Reconciler {
 public:
  using Behaviour = std::function<ReconcileResult(const std::string& name, int run)>;
  explicit RecordingReconciler(Behaviour behaviour = nullptr) : behaviour_(std::move(behaviour)) {}

  ReconcileResult Reconcile(const std::string& name) override {
    int run;
    {
      std::lock_guard<std::mutex> l(mu_);
      run = ++runs_[name];
    }
    return behaviour_ ? behaviour_(name, run) : ReconcileResult::Done();
  }
  int Runs(const std::string& name) {
    std::lock_guard<std::mutex> l(mu_);
    return runs_[name];
  }
  bool WaitRuns(const std::string& name, int n) {
    return PollUntil([&] { return Runs(name) >= n; });
  }

 private:
  Behaviour behaviour_;
  std::mutex mu_;
  std::map<std::string, int> runs_;
};

class ControllerTest : public ::testing::Test {
 protected:
  // Delays, back-off and resyncs run on clock_: tests move it instead of waiting.
  ControllerOptions FastOptions(const std::string& name = "test") {
    ControllerOptions o;
    o.name = name;
    o.workers = 2;
    o.backoff_base = milliseconds(5);
    o.backoff_max = milliseconds(50);
    o.clock = &clock_;
    return o;
  }
  // Moves the clock by `step` until `done` holds: a key becomes due only once its delay was
  // scheduled, which happens on a worker thread at a moment the test cannot see.
  bool AdvanceUntil(milliseconds step, const std::function<bool()>& done) {
    return PollUntil([&] {
      if (done()) return true;
      clock_.Advance(step);
      return false;
    });
  }

  api::FakeSteadyClock clock_;
  testing::TempStore store_;
};

TEST_F(ControllerTest, CreateInStoreCausesReconcileOfThatKey) {
  RecordingReconciler reconciler;
  Controller controller(*store_, api::Kind::kLab, reconciler, FastOptions());
  controller.Start();
  ASSERT_TRUE(store_->Create(api::Kind::kLab, testutil::LabNamed("alpha")).ok());
  EXPECT_TRUE(reconciler.WaitRuns("alpha", 1));
  EXPECT_EQ(reconciler.Runs("other"), 0);
}

TEST_F(ControllerTest, ObjectsExistingAtStartAreReconciled) {
  ASSERT_TRUE(store_->Create(api::Kind::kLab, testutil::LabNamed("one")).ok());
  ASSERT_TRUE(store_->Create(api::Kind::kLab, testutil::LabNamed("two")).ok());
  RecordingReconciler reconciler;
  Controller controller(*store_, api::Kind::kLab, reconciler, FastOptions());
  controller.Start();
  EXPECT_TRUE(reconciler.WaitRuns("one", 1));
  EXPECT_TRUE(reconciler.WaitRuns("two", 1));
}

TEST_F(ControllerTest, UpdateAndDeleteCauseReconciles) {
  RecordingReconciler reconciler;
  Controller controller(*store_, api::Kind::kLab, reconciler, FastOptions());
  controller.Start();
  auto created = store_->Create(api::Kind::kLab, testutil::LabNamed("alpha"));
  ASSERT_TRUE(created.ok());
  ASSERT_TRUE(reconciler.WaitRuns("alpha", 1));
  api::json changed = *created;
  changed["spec"]["note"] = "changed";
  ASSERT_TRUE(store_->Update(api::Kind::kLab, changed).ok());
  EXPECT_TRUE(reconciler.WaitRuns("alpha", 2));
  ASSERT_TRUE(store_->Delete(api::Kind::kLab, "alpha").ok());
  EXPECT_TRUE(reconciler.WaitRuns("alpha", 3));
}

TEST_F(ControllerTest, RequeueAfterRunsTheKeyAgain) {
  RecordingReconciler reconciler([](const std::string&, int run) {
    return run < 3 ? ReconcileResult::After(milliseconds(10)) : ReconcileResult::Done();
  });
  Controller controller(*store_, api::Kind::kLab, reconciler, FastOptions());
  controller.Start();
  controller.Enqueue("timer");
  ASSERT_TRUE(reconciler.WaitRuns("timer", 1));
  EXPECT_TRUE(AdvanceUntil(milliseconds(10), [&] { return reconciler.Runs("timer") >= 3; }));
}

TEST_F(ControllerTest, ErrorsAndExceptionsAreRetried) {
  RecordingReconciler reconciler([](const std::string&, int run) -> ReconcileResult {
    if (run == 1) return ReconcileResult::Error(api::Status::Unavailable("docker is down"));
    if (run == 2) throw std::runtime_error("boom");
    return ReconcileResult::Done();
  });
  Controller controller(*store_, api::Kind::kLab, reconciler, FastOptions("lab"));
  controller.Start();
  controller.Enqueue("natlab");
  ASSERT_TRUE(reconciler.WaitRuns("natlab", 1));
  // Each failure waits its back-off (5 ms, then 10 ms) on the clock.
  EXPECT_TRUE(AdvanceUntil(milliseconds(5), [&] { return reconciler.Runs("natlab") >= 3; }));
}

TEST_F(ControllerTest, EnqueueAfterRunsLater) {
  RecordingReconciler reconciler;
  Controller controller(*store_, api::Kind::kLab, reconciler, FastOptions());
  controller.Start();
  controller.EnqueueAfter("later", milliseconds(20));
  clock_.Advance(milliseconds(20));  // wakes the workers waiting for the deadline
  EXPECT_TRUE(reconciler.WaitRuns("later", 1));
}

TEST_F(ControllerTest, ResyncEnqueuesEveryObjectPeriodically) {
  ASSERT_TRUE(store_->Create(api::Kind::kLab, testutil::LabNamed("one")).ok());
  ASSERT_TRUE(store_->Create(api::Kind::kLab, testutil::LabNamed("two")).ok());
  RecordingReconciler reconciler;
  ControllerOptions options = FastOptions();
  options.resync = std::chrono::minutes(5);
  Controller controller(*store_, api::Kind::kLab, reconciler, options);
  controller.Start();
  // The watch gives one run each; only resync can give more (nothing changes in the store).
  ASSERT_TRUE(reconciler.WaitRuns("one", 1));
  ASSERT_TRUE(reconciler.WaitRuns("two", 1));
  for (int runs = 2; runs <= 3; ++runs) {
    clock_.Advance(std::chrono::minutes(5));
    EXPECT_TRUE(reconciler.WaitRuns("one", runs));
    EXPECT_TRUE(reconciler.WaitRuns("two", runs));
  }
}

TEST_F(ControllerTest, WatchAlsoEnqueuesMappedKeys) {
  RecordingReconciler reconciler;
  Controller controller(*store_, api::Kind::kLab, reconciler, FastOptions());
  controller.WatchAlso(api::Kind::kSession, [](const api::json& session) {
    return std::vector<std::string>{session["spec"].value("lab", "")};
  });
  controller.Start();
  ASSERT_TRUE(store_->Create(api::Kind::kSession, testutil::SessionFor("s1", "beta")).ok());
  EXPECT_TRUE(reconciler.WaitRuns("beta", 1));
  EXPECT_EQ(reconciler.Runs("s1"), 0) << "secondary objects are keyed by the mapper only";
}

TEST_F(ControllerTest, StopWaitsForTheInFlightReconcile) {
  std::promise<void> started, release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> finished{false};
  RecordingReconciler reconciler([&](const std::string&, int run) {
    if (run == 1) {
      started.set_value();
      released.wait();
      finished = true;
    }
    return ReconcileResult::Done();
  });
  Controller controller(*store_, api::Kind::kLab, reconciler, FastOptions());
  controller.Start();
  controller.Enqueue("slow");
  started.get_future().wait();
  auto stopped = std::async(std::launch::async, [&] { controller.Stop(); });
  // A Stop that did not wait would return while the reconcile is still blocked.
  EXPECT_EQ(stopped.wait_for(milliseconds(200)), std::future_status::timeout);
  release.set_value();
  ASSERT_EQ(stopped.wait_for(kPatience), std::future_status::ready);
  EXPECT_TRUE(finished) << "Stop returned before the in-flight reconcile finished";
  controller.Stop();  // idempotent
}

TEST_F(ControllerTest, StopWithoutStartAndDestructorAreSafe) {
  RecordingReconciler reconciler;
  {
    Controller never_started(*store_, api::Kind::kLab, reconciler, FastOptions());
    never_started.Stop();
  }
  {
    Controller started(*store_, api::Kind::kLab, reconciler, FastOptions());
    started.Start();
  }  // destructor stops
  SUCCEED();
}

// A store whose watches can be made to fail, to show the informer re-opens them.
class FlakyWatchStore : public store::Store {
 public:
  explicit FlakyWatchStore(store::Store& real) : real_(real) {}

  class FlakyWatch : public store::Watch {
   public:
    FlakyWatch(std::unique_ptr<store::Watch> real, FlakyWatchStore& owner)
        : real_(std::move(real)), owner_(owner) {}
    Next Poll(store::WatchEvent* out, milliseconds timeout) override {
      if (owner_.fail_.exchange(false)) {
        out->type = store::WatchEvent::kError;
        out->error = api::Status::Gone("injected: watcher fell behind");
        out->object = nullptr;
        return Next::kEvent;
      }
      return real_->Poll(out, std::min(timeout, milliseconds(20)));
    }
    uint64_t Revision() const override { return real_->Revision(); }
    void Cancel() override { real_->Cancel(); }

   private:
    std::unique_ptr<store::Watch> real_;
    FlakyWatchStore& owner_;
  };

  void FailCurrentWatch() { fail_ = true; }
  int watches_opened() const { return opened_; }

  api::Result<std::unique_ptr<store::Watch>> WatchKind(api::Kind kind,
                                                       const store::WatchOptions& o) override {
    auto w = real_.WatchKind(kind, o);
    if (!w.ok()) return w.status();
    ++opened_;
    return std::unique_ptr<store::Watch>(new FlakyWatch(std::move(w).value(), *this));
  }
  api::Result<api::json> Create(api::Kind k, api::json o) override {
    return real_.Create(k, std::move(o));
  }
  api::Result<api::json> Update(api::Kind k, api::json o) override {
    return real_.Update(k, std::move(o));
  }
  api::Result<api::json> UpdateStatus(api::Kind k, api::json o) override {
    return real_.UpdateStatus(k, std::move(o));
  }
  api::Result<api::json> Delete(api::Kind k, const std::string& n,
                                const std::optional<std::string>& uid) override {
    return real_.Delete(k, n, uid);
  }
  api::Result<api::json> Get(api::Kind k, const std::string& n) const override {
    return real_.Get(k, n);
  }
  store::ListResult List(api::Kind k, const api::Selector& s, size_t limit) const override {
    return real_.List(k, s, limit);
  }
  uint64_t Revision() const override { return real_.Revision(); }
  uint64_t CompactedRevision() const override { return real_.CompactedRevision(); }
  void Compact() override { real_.Compact(); }

 private:
  store::Store& real_;
  std::atomic<bool> fail_{false};
  std::atomic<int> opened_{0};
};

TEST_F(ControllerTest, InformerReopensTheWatchAfterAnError) {
  FlakyWatchStore flaky(*store_);
  RecordingReconciler reconciler;
  Controller controller(flaky, api::Kind::kLab, reconciler, FastOptions());
  ASSERT_TRUE(store_->Create(api::Kind::kLab, testutil::LabNamed("before")).ok());
  controller.Start();
  ASSERT_TRUE(reconciler.WaitRuns("before", 1));
  ASSERT_EQ(flaky.watches_opened(), 1);

  flaky.FailCurrentWatch();
  ASSERT_TRUE(PollUntil([&] { return flaky.watches_opened() >= 2; }));
  // The re-opened watch re-lists (ADDED for "before") and then follows new changes.
  EXPECT_TRUE(reconciler.WaitRuns("before", 2));
  ASSERT_TRUE(store_->Create(api::Kind::kLab, testutil::LabNamed("after")).ok());
  EXPECT_TRUE(reconciler.WaitRuns("after", 1));
}

}  // namespace
}  // namespace labctl::runtime
