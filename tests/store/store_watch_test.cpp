// Watch semantics: initial list, resume from a revision, compaction (Gone), selector
// transitions, name filter, revisions for bookmarks, slow watchers and shutdown.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store.h"
#include "store_test_env.h"

namespace labctl::store {
namespace {

using testing::Collect;
using testing::Describe;
using ::testing::ElementsAre;
using testing::Lab;
using testing::NothingPending;
using testing::OpenOrDie;
using testing::Rv;
using testing::TempDir;

std::unique_ptr<Watch> WatchOrDie(Store& s, Kind kind, WatchOptions o = {}) {
  auto w = s.WatchKind(kind, o);
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  return w.ok() ? std::move(w).value() : nullptr;
}

TEST(StoreWatch, FromNowListsExistingThenStreamsChanges) {
  TempDir dir;
  auto s = OpenOrDie(dir.path());
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("b")).ok());
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("a")).ok());
  ASSERT_TRUE(s->Create(Kind::kSession, Lab("other-kind")).ok());
  auto w = WatchOrDie(*s, Kind::kLab);
  ASSERT_NE(w, nullptr);

  json c = *s->Create(Kind::kLab, Lab("c"));
  c["spec"]["x"] = 1;
  ASSERT_TRUE(s->Update(Kind::kLab, c).ok());
  ASSERT_TRUE(s->Delete(Kind::kLab, "a").ok());

  auto events = Collect(*w, 5);
  EXPECT_THAT(Describe(events),
              ElementsAre("ADDED a", "ADDED b", "ADDED c", "MODIFIED c", "DELETED a"));
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[3].revision, 5u);
  EXPECT_EQ((*events[3].object)["spec"]["x"], 1);
  EXPECT_EQ(events[4].revision, 6u);
  EXPECT_EQ(Rv(*events[4].object), 6u);
  EXPECT_TRUE(NothingPending(*w));
  EXPECT_EQ(w->Revision(), 6u);
}

TEST(StoreWatch, FromRevisionReplaysExactlyTheLaterChanges) {
  TempDir dir;
  auto s = OpenOrDie(dir.path());
  for (std::string n : {"a", "b", "c", "d"}) ASSERT_TRUE(s->Create(Kind::kLab, Lab(n)).ok());
  WatchOptions o;
  o.from_revision = 2;
  auto w = WatchOrDie(*s, Kind::kLab, o);
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("e")).ok());
  auto events = Collect(*w, 3);
  EXPECT_THAT(Describe(events), ElementsAre("ADDED c", "ADDED d", "ADDED e"));
  EXPECT_TRUE(NothingPending(*w));

  o.from_revision = s->Revision();  // nothing to replay
  auto idle = WatchOrDie(*s, Kind::kLab, o);
  EXPECT_TRUE(NothingPending(*idle));
  EXPECT_EQ(idle->Revision(), 5u);
}

// Writers run while watchers start from every revision: each must see exactly the changes after
// its start (the replay/live join has no gap and no duplicate).
TEST(StoreWatch, ResumeUnderConcurrentWritesHasNoGapOrDuplicate) {
  TempDir dir;
  auto s = OpenOrDie(dir.path());
  constexpr int kWrites = 300;
  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i)
      ASSERT_TRUE(s->Create(Kind::kLab, Lab("lab-" + std::to_string(i))).ok());
  });
  std::vector<std::pair<uint64_t, std::unique_ptr<Watch>>> watches;
  for (int i = 0; i < 30; ++i) {
    WatchOptions o;
    o.from_revision = s->Revision();
    watches.emplace_back(*o.from_revision, WatchOrDie(*s, Kind::kLab, o));
    std::this_thread::yield();
  }
  writer.join();
  for (auto& [from, w] : watches) {
    auto events = Collect(*w, kWrites - from);
    ASSERT_EQ(events.size(), kWrites - from);
    for (size_t i = 0; i < events.size(); ++i) ASSERT_EQ(events[i].revision, from + 1 + i);
    EXPECT_TRUE(NothingPending(*w));
  }
}

TEST(StoreWatch, CompactedRevisionIsGone) {
  TempDir dir;
  Options opts;
  opts.data_dir = dir.path();
  opts.max_history = 3;
  auto s = OpenOrDie(opts);
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(s->Create(Kind::kLab, Lab("l" + std::to_string(i))).ok());
  s->Compact();
  EXPECT_EQ(s->CompactedRevision(), 7u);

  WatchOptions o;
  o.from_revision = 6;
  auto gone = s->WatchKind(Kind::kLab, o);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().http_code(), 410);

  o.from_revision = 7;
  auto w = WatchOrDie(*s, Kind::kLab, o);
  EXPECT_THAT(Describe(Collect(*w, 3)), ElementsAre("ADDED l7", "ADDED l8", "ADDED l9"));
}

TEST(StoreWatch, CompactionByAgeKeepsTheNewest) {
  TempDir dir;
  api::FakeClock clock;
  Options opts;
  opts.data_dir = dir.path();
  opts.clock = &clock;
  opts.max_history_age = std::chrono::seconds(60);
  auto s = OpenOrDie(opts);
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("old1")).ok());
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("old2")).ok());
  clock.Advance(std::chrono::seconds(61));
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("new")).ok());
  s->Compact();
  EXPECT_EQ(s->CompactedRevision(), 2u);
  clock.Advance(std::chrono::seconds(600));
  s->Compact();
  EXPECT_EQ(s->CompactedRevision(), 2u);  // the newest change always stays
}

TEST(StoreWatch, SelectorTransitionsBecomeAddedAndDeleted) {
  TempDir dir;
  auto s = OpenOrDie(dir.path());
  json a = *s->Create(Kind::kLab, Lab("a", {}, {{"team", "blue"}}));
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("b", {}, {{"team", "red"}})).ok());
  WatchOptions o;
  o.selector = *api::ParseSelector("team=blue");
  auto w = WatchOrDie(*s, Kind::kLab, o);

  a["metadata"]["labels"]["team"] = "red";  // leaves the selection
  a = *s->Update(Kind::kLab, a);
  a["spec"]["x"] = 1;  // change outside the selection: not seen
  a = *s->Update(Kind::kLab, a);
  a["metadata"]["labels"]["team"] = "blue";  // comes back
  a = *s->Update(Kind::kLab, a);
  a["spec"]["x"] = 2;
  a = *s->Update(Kind::kLab, a);
  ASSERT_TRUE(s->Delete(Kind::kLab, "b").ok());  // never matched: not seen
  ASSERT_TRUE(s->Delete(Kind::kLab, "a").ok());

  auto events = Collect(*w, 5);
  EXPECT_THAT(Describe(events),
              ElementsAre("ADDED a", "DELETED a", "ADDED a", "MODIFIED a", "DELETED a"));
  EXPECT_TRUE(NothingPending(*w));
  EXPECT_EQ(w->Revision(), s->Revision());  // advanced past filtered-out changes too
}

TEST(StoreWatch, NameFilterWatchesOneObject) {
  TempDir dir;
  auto s = OpenOrDie(dir.path());
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("a")).ok());
  WatchOptions o;
  o.name = "b";
  auto w = WatchOrDie(*s, Kind::kLab, o);
  EXPECT_TRUE(NothingPending(*w));
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("c")).ok());
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("b")).ok());
  EXPECT_THAT(Describe(Collect(*w, 1)), ElementsAre("ADDED b"));
  EXPECT_TRUE(NothingPending(*w));
}

TEST(StoreWatch, SlowWatcherIsClosedWithGoneWhileOthersContinue) {
  TempDir dir;
  Options opts;
  opts.data_dir = dir.path();
  opts.watch_buffer = 5;
  auto s = OpenOrDie(opts);
  auto slow = WatchOrDie(*s, Kind::kLab);
  auto fast = WatchOrDie(*s, Kind::kLab);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(s->Create(Kind::kLab, Lab("l" + std::to_string(i))).ok());
    EXPECT_EQ(Collect(*fast, 1).size(), 1u);
  }
  auto events = Collect(*slow, 100);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, WatchEvent::kError);
  EXPECT_EQ(events.back().error.http_code(), 410);
  WatchEvent e;
  EXPECT_EQ(slow->Poll(&e, std::chrono::milliseconds(10)), Watch::Next::kClosed);
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("after")).ok());
  EXPECT_THAT(Describe(Collect(*fast, 1)), ElementsAre("ADDED after"));
}

TEST(StoreWatch, CancelWakesPollAndShutdownSendsUnavailable) {
  TempDir dir;
  auto s = OpenOrDie(dir.path());
  auto cancelled = WatchOrDie(*s, Kind::kLab);
  std::thread canceller([&] { cancelled->Cancel(); });
  WatchEvent e;
  EXPECT_EQ(cancelled->Poll(&e, std::chrono::seconds(30)), Watch::Next::kClosed);
  canceller.join();

  auto w = WatchOrDie(*s, Kind::kLab);
  s.reset();
  auto events = Collect(*w, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, WatchEvent::kError);
  EXPECT_EQ(events[0].error.http_code(), 503);
  EXPECT_EQ(w->Poll(&e, std::chrono::milliseconds(10)), Watch::Next::kClosed);
}

TEST(StoreWatch, RevisionStaysBehindUndeliveredEvents) {
  TempDir dir;
  auto s = OpenOrDie(dir.path());
  WatchOptions o;
  o.from_revision = 0;
  auto w = WatchOrDie(*s, Kind::kLab, o);
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("a")).ok());
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("b")).ok());
  ASSERT_TRUE(s->Create(Kind::kSession, Lab("s")).ok());
  EXPECT_EQ(w->Revision(), 0u);
  Collect(*w, 1);
  EXPECT_EQ(w->Revision(), 1u);
  Collect(*w, 1);
  EXPECT_EQ(w->Revision(), 3u);
}

// A live filter drops the live events it refuses before the consumer hears of them; the initial
// list is not filtered, and the watch's revision still moves past what it dropped.
TEST(StoreWatch, LiveFilterDropsRefusedLiveEventsOnly) {
  TempDir dir;
  auto s = OpenOrDie(dir.path());
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("skip-old")).ok());
  WatchOptions o;
  o.live_filter = [](const WatchEvent& e) {
    return e.object && (*e.object)["metadata"]["name"].get<std::string>().rfind("skip", 0) != 0;
  };
  auto w = WatchOrDie(*s, Kind::kLab, o);
  EXPECT_THAT(Describe(Collect(*w, 1)), ElementsAre("ADDED skip-old"));
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("skip-new")).ok());
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("kept")).ok());
  ASSERT_TRUE(s->Delete(Kind::kLab, "skip-old").ok());
  auto events = Collect(*w, 1);
  EXPECT_THAT(Describe(events), ElementsAre("ADDED kept"));
  EXPECT_TRUE(NothingPending(*w));
  EXPECT_EQ(w->Revision(), s->Revision());
}

}  // namespace
}  // namespace labctl::store
