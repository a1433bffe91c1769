// ChangeLog: replay bounds and the compaction policy (count, age, newest always kept).
#include "store/change_log.h"

#include <gtest/gtest.h>

namespace labctl::store {
namespace {

api::TimePoint At(int s) { return api::TimePoint(std::chrono::seconds(s)); }

ChangeLog LogOf(int n) {  // revisions 1..n at times 1..n s
  ChangeLog log;
  for (int i = 1; i <= n; ++i) {
    LoggedChange c;
    c.change.revision = static_cast<uint64_t>(i);
    c.time = At(i);
    log.Append(c);
  }
  return log;
}

TEST(ChangeLog, AfterReturnsStrictlyLaterChanges) {
  ChangeLog log = LogOf(5);
  auto after = log.After(3);
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0]->revision, 4u);
  EXPECT_EQ(log.After(5).size(), 0u);
  EXPECT_EQ(log.After(0).size(), 5u);
}

TEST(ChangeLog, CompactionCutByCount) {
  ChangeLog log = LogOf(10);
  EXPECT_EQ(log.CompactionCut(4, At(0)), std::optional<uint64_t>(6));
  EXPECT_EQ(log.CompactionCut(10, At(0)), std::nullopt);
  EXPECT_EQ(log.CompactionCut(0, At(0)), std::optional<uint64_t>(9));  // newest stays
}

TEST(ChangeLog, CompactionCutByAgeKeepsNewest) {
  ChangeLog log = LogOf(10);
  EXPECT_EQ(log.CompactionCut(100, At(8)), std::optional<uint64_t>(7));
  EXPECT_EQ(log.CompactionCut(100, At(1000)), std::optional<uint64_t>(9));
  log.DropThrough(7);
  EXPECT_EQ(log.size(), 3u);
  EXPECT_EQ(log.CompactionCut(100, At(8)), std::nullopt);
}

}  // namespace
}  // namespace labctl::store
