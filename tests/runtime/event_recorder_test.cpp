#include "controller/runtime/event_recorder.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "runtime_test_util.h"
#include "tests/support/temp_store.h"

namespace labctl::runtime {
namespace {

using std::chrono::minutes;

class EventRecorderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = store_->Create(api::Kind::kLab, testutil::LabNamed("natlab"));
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    lab_ = *created;
  }
  std::vector<api::json> Events() { return store_->List(api::Kind::kEvent).items; }

  api::FakeClock clock_;
  testing::TempStore store_{{.clock = &clock_}};
  api::json lab_;
  EventRecorder recorder_{*store_, clock_, "lab-controller"};
};

TEST_F(EventRecorderTest, RecordsAKubernetesStyleEvent) {
  recorder_.Warning(lab_, "PullFailed", "image busybox:x not found");
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  const api::json& e = events[0];
  EXPECT_EQ(e["kind"], "Event");
  EXPECT_EQ(e["apiVersion"], api::kApiVersion);
  EXPECT_EQ(api::Name(e).rfind("natlab.", 0), 0u) << api::Name(e);
  EXPECT_EQ(api::Name(e).size(), std::string("natlab.").size() + 16);
  EXPECT_EQ(e["involvedObject"]["kind"], "Lab");
  EXPECT_EQ(e["involvedObject"]["name"], "natlab");
  EXPECT_EQ(e["involvedObject"]["uid"], api::Uid(lab_));
  EXPECT_EQ(e["type"], "Warning");
  EXPECT_EQ(e["reason"], "PullFailed");
  EXPECT_EQ(e["message"], "image busybox:x not found");
  EXPECT_EQ(e["count"], 1);
  EXPECT_EQ(e["firstTimestamp"], api::FormatTime(clock_.Now()));
  EXPECT_EQ(e["lastTimestamp"], api::FormatTime(clock_.Now()));
  EXPECT_EQ(e["source"]["component"], "lab-controller");
  EXPECT_EQ(api::Labels(e)["labctl.dev/involved-name"], "natlab");
  EXPECT_EQ(api::Labels(e)["labctl.dev/involved-kind"], "Lab");
}

TEST_F(EventRecorderTest, RepeatBumpsCountAndLastTimestamp) {
  const std::string first = api::FormatTime(clock_.Now());
  recorder_.Normal(lab_, "Created", "network created");
  clock_.Advance(minutes(2));
  recorder_.Normal(lab_, "Created", "network created");
  clock_.Advance(minutes(2));
  recorder_.Normal(lab_, "Created", "network created");
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["count"], 3);
  EXPECT_EQ(events[0]["firstTimestamp"], first);
  EXPECT_EQ(events[0]["lastTimestamp"], api::FormatTime(clock_.Now()));
}

TEST_F(EventRecorderTest, DifferentTypeReasonOrMessageAreSeparateEvents) {
  recorder_.Normal(lab_, "Created", "a");
  recorder_.Normal(lab_, "Created", "b");
  recorder_.Normal(lab_, "Started", "a");
  recorder_.Warning(lab_, "Created", "a");
  EXPECT_EQ(Events().size(), 4u);
}

TEST_F(EventRecorderTest, ConcurrentRepeatsLoseNoCount) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < 10; ++i) recorder_.Warning(lab_, "Retrying", "docker unavailable");
    });
  }
  for (auto& t : threads) t.join();
  auto events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["count"], 40);
}

TEST_F(EventRecorderTest, PruneDeletesEventsOlderThanMaxAge) {
  recorder_.Normal(lab_, "Old", "from long ago");
  recorder_.Normal(lab_, "Refreshed", "seen again recently");
  clock_.Advance(minutes(90));
  recorder_.Normal(lab_, "Refreshed", "seen again recently");  // lastTimestamp now recent
  recorder_.Normal(lab_, "New", "just now");
  ASSERT_EQ(Events().size(), 3u);

  recorder_.Prune(std::chrono::hours(1));
  std::vector<std::string> reasons;
  for (const auto& e : Events()) reasons.push_back(e["reason"]);
  std::sort(reasons.begin(), reasons.end());
  EXPECT_EQ(reasons, (std::vector<std::string>{"New", "Refreshed"}));
}

}  // namespace
}  // namespace labctl::runtime
