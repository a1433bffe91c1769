// ChangeLog: replay bounds and the compaction policy (count, bytes, age, newest always kept).
#include "store/change_log.h"

#include <gtest/gtest.h>

namespace labctl::store {
namespace {

api::TimePoint At(int s) { return api::TimePoint(std::chrono::seconds(s)); }

constexpr size_t kNoByteLimit = SIZE_MAX;

HistoryLimits Limits(size_t max_count, api::TimePoint oldest_kept,
                     size_t max_bytes = kNoByteLimit) {
  return {max_count, max_bytes, oldest_kept};
}

// A packed Lab whose text is about `size` bytes.
PackedPtr PackedLab(int i, size_t size) {
  return Pack({{"metadata", {{"name", "l" + std::to_string(i)}}},
               {"spec", {{"pad", std::string(size, 'x')}}}});
}

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
  EXPECT_EQ(log.CompactionCut(Limits(4, At(0))), std::optional<uint64_t>(6));
  EXPECT_EQ(log.CompactionCut(Limits(10, At(0))), std::nullopt);
  EXPECT_EQ(log.CompactionCut(Limits(0, At(0))), std::optional<uint64_t>(9));  // newest stays
}

TEST(ChangeLog, CompactionCutByAgeKeepsNewest) {
  ChangeLog log = LogOf(10);
  EXPECT_EQ(log.CompactionCut(Limits(100, At(8))), std::optional<uint64_t>(7));
  EXPECT_EQ(log.CompactionCut(Limits(100, At(1000))), std::optional<uint64_t>(9));
  log.DropThrough(7);
  EXPECT_EQ(log.size(), 3u);
  EXPECT_EQ(log.CompactionCut(Limits(100, At(8))), std::nullopt);
}

TEST(ChangeLog, CountsTheBytesOfObjectsAndPreviousStates) {
  ChangeLog log;
  EXPECT_EQ(log.bytes(), 0u);
  PackedPtr v1 = PackedLab(1, 1000);
  PackedPtr v2 = PackedLab(1, 3000);
  EXPECT_GE(v1->bytes(), 1000u);
  EXPECT_GE(v2->bytes(), 3000u);
  log.Append({PackedChange{1, ChangeType::kAdded, Kind::kLab, v1, nullptr}, At(1)});
  size_t first = log.bytes();
  EXPECT_GE(first, v1->bytes());
  log.Append({PackedChange{2, ChangeType::kModified, Kind::kLab, v2, v1}, At(2)});
  const size_t both = log.bytes();
  EXPECT_GE(both - first, v2->bytes() + v1->bytes());
  log.DropThrough(1);
  EXPECT_EQ(log.bytes(), both - first);
  log.DropThrough(2);
  EXPECT_EQ(log.bytes(), 0u);
}

TEST(ChangeLog, CompactionCutByBytesKeepsTheNewestWithinBudget) {
  ChangeLog log;
  for (int i = 1; i <= 10; ++i)
    log.Append({PackedChange{static_cast<uint64_t>(i), ChangeType::kAdded, Kind::kLab,
                             PackedLab(i, 10'000), nullptr},
                At(i)});
  const size_t per_change = log.bytes() / 10;
  // Room for three and a half changes: the oldest seven go.
  EXPECT_EQ(log.CompactionCut(Limits(100, At(0), per_change * 7 / 2)), std::optional<uint64_t>(7));
  EXPECT_EQ(log.CompactionCut(Limits(100, At(0), log.bytes())), std::nullopt);
  EXPECT_EQ(log.CompactionCut(Limits(100, At(0), 1)), std::optional<uint64_t>(9));  // newest stays
  // The tightest of count, bytes and age wins.
  EXPECT_EQ(log.CompactionCut(Limits(2, At(0), per_change * 5)), std::optional<uint64_t>(8));
  EXPECT_EQ(log.CompactionCut(Limits(100, At(9), per_change * 5)), std::optional<uint64_t>(8));
  log.DropThrough(7);
  EXPECT_LE(log.bytes(), per_change * 7 / 2);
}

}  // namespace
}  // namespace labctl::store
