// Concurrent writers: every acknowledged write lands with a distinct, increasing revision, and
// conflicting writers are serialized by resourceVersion preconditions.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "store/store.h"
#include "store_test_env.h"

namespace labctl::store {
namespace {

using testing::Collect;
using testing::Lab;
using testing::OpenOrDie;
using testing::Rv;
using testing::TempDir;

TEST(StoreConcurrency, ParallelCreatesGetDistinctIncreasingRevisions) {
  TempDir dir;
  auto s = OpenOrDie(dir.path());
  auto w = s->WatchKind(Kind::kLab, {}).value();
  constexpr int kThreads = 8, kPerThread = 50;
  std::vector<std::vector<uint64_t>> revs(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto r = s->Create(Kind::kLab, Lab("t" + std::to_string(t) + "-" + std::to_string(i)));
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        revs[t].push_back(Rv(*r));
      }
    });
  }
  for (auto& th : threads) th.join();

  std::set<uint64_t> all;
  for (const auto& per_thread : revs) {
    for (size_t i = 1; i < per_thread.size(); ++i) EXPECT_LT(per_thread[i - 1], per_thread[i]);
    all.insert(per_thread.begin(), per_thread.end());
  }
  ASSERT_EQ(all.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(*all.begin(), 1u);
  EXPECT_EQ(*all.rbegin(), uint64_t{kThreads * kPerThread});
  EXPECT_EQ(s->List(Kind::kLab).items.size(), size_t{kThreads * kPerThread});

  auto events = Collect(*w, kThreads * kPerThread);
  ASSERT_EQ(events.size(), size_t{kThreads * kPerThread});
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].revision, i + 1);
}

// Read-modify-write loops on one object from several threads: with the resourceVersion
// precondition no increment is lost.
TEST(StoreConcurrency, OptimisticConcurrencyLosesNoIncrement) {
  TempDir dir;
  auto s = OpenOrDie(dir.path());
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("counter", {{"n", 0}})).ok());
  constexpr int kThreads = 4, kIncrements = 25;
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int done = 0; done < kIncrements;) {
        json o = *s->Get(Kind::kLab, "counter");
        o["spec"]["n"] = o["spec"]["n"].get<int>() + 1;
        auto r = s->Update(Kind::kLab, o);
        if (r.ok()) {
          ++done;
        } else {
          ASSERT_EQ(r.status().reason(), "Conflict");
          ++conflicts;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  json o = *s->Get(Kind::kLab, "counter");
  EXPECT_EQ(o["spec"]["n"], kThreads * kIncrements);
  EXPECT_EQ(api::Generation(o), 1 + kThreads * kIncrements);
}

// Within one group commit, a failed request does not fail the others.
TEST(StoreConcurrency, FailedRequestsDoNotFailTheirBatch) {
  TempDir dir;
  auto s = OpenOrDie(dir.path());
  constexpr int kThreads = 8, kPerThread = 40;
  std::atomic<int> ok{0}, exists{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      // All threads race for the same names: exactly one create per name wins.
      for (int i = 0; i < kPerThread; ++i) {
        auto r = s->Create(Kind::kLab, Lab("n" + std::to_string(i)));
        if (r.ok())
          ++ok;
        else if (r.status().reason() == "AlreadyExists")
          ++exists;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), kPerThread);
  EXPECT_EQ(exists.load(), kPerThread * (kThreads - 1));
  EXPECT_EQ(s->Revision(), uint64_t{kPerThread});
}

}  // namespace
}  // namespace labctl::store
