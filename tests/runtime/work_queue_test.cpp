#include "controller/runtime/work_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "api/steady_clock.h"
#include "controller/runtime/controller.h"
#include "tests/support/poll.h"

namespace labctl::runtime {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::kPatience;
using testing::PollUntil;

// Get() on another thread, so a test that would block forever fails instead.
std::string GetWithin(WorkQueue& q, std::chrono::milliseconds timeout = kPatience) {
  auto f = std::async(std::launch::async, [&q] {
    std::string key;
    return q.Get(&key) ? key : std::string("<shutdown>");
  });
  if (f.wait_for(timeout) != std::future_status::ready) {
    q.ShutDown();  // unblock the Get so the test can end
    ADD_FAILURE() << "Get did not return in time";
    return f.get();
  }
  return f.get();
}

// Delayed keys that are due now. Len() counts only keys already promoted to ready; a Get (of a
// probe key, so it never blocks; call with nothing else ready) promotes the due ones first.
size_t DueCount(WorkQueue& q) {
  q.Add("~probe");
  std::string key;
  EXPECT_TRUE(q.Get(&key));
  EXPECT_EQ(key, "~probe");
  q.Done(key);
  return q.Len();
}

TEST(WorkQueueTest, RepeatedAddsBeforeProcessingCollapse) {
  WorkQueue q(milliseconds(1000), milliseconds(300'000));
  q.Add("a");
  q.Add("b");
  q.Add("a");
  q.Add("a");
  EXPECT_EQ(q.Len(), 2u);
  EXPECT_EQ(GetWithin(q), "a");
  EXPECT_EQ(GetWithin(q), "b");
  EXPECT_EQ(q.Len(), 0u);
}

TEST(WorkQueueTest, AddWhileProcessingIsHandedOutOnceAfterDone) {
  WorkQueue q(milliseconds(1000), milliseconds(300'000));
  q.Add("a");
  ASSERT_EQ(GetWithin(q), "a");
  q.Add("a");
  q.Add("a");
  EXPECT_EQ(q.Len(), 0u) << "a key being processed must not be handed out again";
  q.Done("a");
  EXPECT_EQ(q.Len(), 1u);
  EXPECT_EQ(GetWithin(q), "a");
  q.Done("a");
  EXPECT_EQ(q.Len(), 0u);
}

TEST(WorkQueueTest, DoneWithoutNewAddDoesNotRequeue) {
  WorkQueue q(milliseconds(1000), milliseconds(300'000));
  q.Add("a");
  ASSERT_EQ(GetWithin(q), "a");
  q.Done("a");
  EXPECT_EQ(q.Len(), 0u);
}

// Two workers and a slow first run of "a": while it runs, an Add of "a" must wait for Done,
// and the other worker must be free to take other keys meanwhile.
TEST(WorkQueueTest, KeyNeverRunsOnTwoWorkersAtOnce) {
  WorkQueue q(milliseconds(1000), milliseconds(300'000));
  std::mutex mu;
  std::map<std::string, int> running, runs;
  int max_parallel_same_key = 0;
  std::promise<void> first_started, release_first;
  std::shared_future<void> released = release_first.get_future().share();
  std::atomic<bool> first_seen{false};

  auto worker = [&] {
    std::string key;
    while (q.Get(&key)) {
      {
        std::lock_guard<std::mutex> l(mu);
        max_parallel_same_key = std::max(max_parallel_same_key, ++running[key]);
        ++runs[key];
      }
      if (key == "a" && !first_seen.exchange(true)) {
        first_started.set_value();
        released.wait();
      }
      {
        std::lock_guard<std::mutex> l(mu);
        --running[key];
      }
      q.Done(key);
    }
  };
  std::thread w1(worker), w2(worker);

  q.Add("a");
  first_started.get_future().wait();
  q.Add("a");  // while "a" runs: must wait
  q.Add("b");  // the other worker takes this
  ASSERT_TRUE(PollUntil([&] {
    std::lock_guard<std::mutex> l(mu);
    return runs["b"] == 1;
  }));
  {
    std::lock_guard<std::mutex> l(mu);
    EXPECT_EQ(runs["a"], 1) << "a was handed out while still being processed";
  }
  release_first.set_value();
  EXPECT_TRUE(PollUntil([&] {
    std::lock_guard<std::mutex> l(mu);
    return runs["a"] == 2;
  }));

  // Many adds of few keys from several threads: still never two runs of one key at once.
  std::vector<std::thread> adders;
  for (int t = 0; t < 4; ++t) {
    adders.emplace_back([&q, t] {
      for (int i = 0; i < 500; ++i) q.Add("k" + std::to_string((i + t) % 3));
    });
  }
  for (auto& a : adders) a.join();
  EXPECT_TRUE(PollUntil([&] { return q.Len() == 0; }));
  q.ShutDown();
  w1.join();
  w2.join();
  EXPECT_EQ(max_parallel_same_key, 1);
}

TEST(WorkQueueTest, AddAfterHandsOutInDeadlineOrder) {
  api::FakeSteadyClock clock;
  WorkQueue q(milliseconds(1000), milliseconds(300'000), clock);
  q.AddAfter("late", milliseconds(300));
  q.AddAfter("early", milliseconds(30));
  q.Add("now");
  EXPECT_EQ(q.Len(), 1u);
  EXPECT_EQ(GetWithin(q), "now");
  clock.Advance(milliseconds(29));
  EXPECT_EQ(DueCount(q), 0u) << "nothing is due before its deadline";
  clock.Advance(milliseconds(1));
  EXPECT_EQ(GetWithin(q), "early");
  clock.Advance(milliseconds(300));
  EXPECT_EQ(GetWithin(q), "late");
}

// A Get already waiting for a delayed key wakes when the clock jumps past its deadline.
TEST(WorkQueueTest, WaitingGetWakesWhenTheClockReachesTheDeadline) {
  api::FakeSteadyClock clock;
  WorkQueue q(milliseconds(1000), milliseconds(300'000), clock);
  q.AddAfter("a", std::chrono::hours(1));
  auto got = std::async(std::launch::async, [&q] {
    std::string key;
    return q.Get(&key) ? key : std::string("<shutdown>");
  });
  clock.Advance(std::chrono::minutes(59));
  clock.Advance(std::chrono::minutes(1));
  ASSERT_EQ(got.wait_for(kPatience), std::future_status::ready);
  EXPECT_EQ(got.get(), "a");
}

// Delays run on monotonic time: a wall-clock step neither delays nor hurries a scheduled key.
TEST(WorkQueueTest, WallClockStepsDoNotMoveDeadlines) {
  api::FakeSteadyClock clock;
  WorkQueue q(milliseconds(1000), milliseconds(300'000), clock);
  q.AddAfter("a", seconds(10));
  clock.Set(clock.Now() + std::chrono::hours(24));
  EXPECT_EQ(DueCount(q), 0u);
  clock.Advance(seconds(10));
  EXPECT_EQ(GetWithin(q), "a");
}

TEST(WorkQueueTest, AddAfterKeepsTheEarliestDeadline) {
  api::FakeSteadyClock clock;
  WorkQueue q(milliseconds(1000), milliseconds(300'000), clock);
  q.AddAfter("a", std::chrono::hours(1));
  q.AddAfter("a", milliseconds(10));  // earlier: replaces
  clock.Advance(milliseconds(10));
  EXPECT_EQ(GetWithin(q), "a");
  q.Done("a");

  q.AddAfter("b", milliseconds(10));
  q.AddAfter("b", std::chrono::hours(1));  // later: ignored
  clock.Advance(milliseconds(10));
  EXPECT_EQ(GetWithin(q), "b");
}

TEST(WorkQueueTest, AddAfterZeroIsAnAdd) {
  WorkQueue q(milliseconds(1000), milliseconds(300'000));
  q.AddAfter("a", milliseconds(0));
  EXPECT_EQ(q.Len(), 1u);
}

TEST(WorkQueueTest, BackoffDoublesFromOneSecondToFiveMinutes) {
  const std::vector<int64_t> expected_s = {1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300};
  for (size_t i = 0; i < expected_s.size(); ++i) {
    EXPECT_EQ(Backoff(static_cast<int>(i + 1), milliseconds(1000), milliseconds(300'000)),
              seconds(expected_s[i]))
        << "failure " << i + 1;
  }
  EXPECT_EQ(Backoff(1000, milliseconds(1000), milliseconds(300'000)), seconds(300));
  EXPECT_EQ(Backoff(0, milliseconds(1000), milliseconds(300'000)), seconds(1));
}

TEST(WorkQueueTest, AddRateLimitedCountsFailuresAndForgetResets) {
  api::FakeSteadyClock clock;
  WorkQueue q(milliseconds(1000), milliseconds(300'000), clock);
  EXPECT_EQ(q.AddRateLimited("a"), seconds(1));
  EXPECT_EQ(q.AddRateLimited("a"), seconds(2));
  EXPECT_EQ(q.AddRateLimited("a"), seconds(4));
  EXPECT_EQ(q.Failures("a"), 3);
  EXPECT_EQ(q.AddRateLimited("b"), seconds(1)) << "failure counts are per key";
  q.Forget("a");
  EXPECT_EQ(q.Failures("a"), 0);
  EXPECT_EQ(q.AddRateLimited("a"), seconds(1));
  EXPECT_EQ(DueCount(q), 0u) << "rate-limited keys wait for their back-off";
  clock.Advance(seconds(1));
  EXPECT_EQ(DueCount(q), 2u) << "a (forgotten, 1 s) and b (1 s)";
}

TEST(WorkQueueTest, RateLimitedKeyIsHandedOutAfterItsBackoff) {
  api::FakeSteadyClock clock;
  WorkQueue q(milliseconds(10), milliseconds(1000), clock);
  EXPECT_EQ(q.AddRateLimited("a"), milliseconds(10));
  EXPECT_EQ(DueCount(q), 0u);
  clock.Advance(milliseconds(10));
  EXPECT_EQ(GetWithin(q), "a");
}

TEST(WorkQueueTest, ShutDownWakesEveryGetAndIgnoresLaterAdds) {
  WorkQueue q(milliseconds(1000), milliseconds(300'000));
  q.AddAfter("scheduled", std::chrono::hours(1));
  auto get = [&q] {
    std::string key;
    return q.Get(&key);
  };
  auto g1 = std::async(std::launch::async, get);
  auto g2 = std::async(std::launch::async, get);
  q.ShutDown();
  ASSERT_EQ(g1.wait_for(kPatience), std::future_status::ready);
  ASSERT_EQ(g2.wait_for(kPatience), std::future_status::ready);
  EXPECT_FALSE(g1.get());
  EXPECT_FALSE(g2.get());
  EXPECT_TRUE(q.ShuttingDown());
  q.Add("a");
  EXPECT_EQ(q.Len(), 0u);
  std::string key;
  EXPECT_FALSE(q.Get(&key));
}

}  // namespace
}  // namespace labctl::runtime
