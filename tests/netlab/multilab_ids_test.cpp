// The host-wide multilab id allocation: the pure choice, and the claim directory (a real
// temporary directory): stable per lab directory, distinct between labs, freed on release,
// stale claims taken over, ids busy elsewhere skipped.
#include "drivers/netlab/multilab_ids.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/labd_process.h"

namespace labctl::netlab {
namespace {

namespace fs = std::filesystem;

TEST(PickMultilabIdTest, KeepsTheCurrentIdWhenFreeElseTheLowestFree) {
  MultilabRange range{1, 5, {3}};
  EXPECT_EQ(PickMultilabId({}, std::nullopt, range), 1);
  EXPECT_EQ(PickMultilabId({1, 2}, std::nullopt, range), 4);  // 3 is skipped
  EXPECT_EQ(PickMultilabId({1}, 5, range), 5);
  EXPECT_EQ(PickMultilabId({5}, 5, range), 1);
  EXPECT_EQ(PickMultilabId({}, 9, range), 1);  // out of range
  EXPECT_EQ(PickMultilabId({1, 2, 4, 5}, std::nullopt, range), std::nullopt);
}

TEST(PickMultilabIdTest, DefaultRangeAvoidsNetlabsOwnManagementSubnet) {
  std::set<int> taken;
  for (int id = 101; id < 121; ++id) taken.insert(id);
  EXPECT_EQ(PickMultilabId(taken, std::nullopt), 122);
}

class MultilabIdsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::MakeTempDir("multilab-ids");
    for (const auto& lab : {"a", "b", "c"}) fs::create_directories(root_ + "/labs/" + lab);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Lab(const std::string& name) { return root_ + "/labs/" + name; }

  std::string root_;
};

TEST_F(MultilabIdsTest, EachLabDirectoryKeepsItsOwnIdUntilReleased) {
  MultilabIds ids(root_ + "/ids", {1, 3, {}});
  auto a = ids.Claim(Lab("a"));
  auto b = ids.Claim(Lab("b"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  // Another MultilabIds on the same directory (another labd, or this one restarted) agrees.
  MultilabIds again(root_ + "/ids", {1, 3, {}});
  EXPECT_EQ(again.Claim(Lab("a") + "/").value(), *a);
  EXPECT_EQ(again.Find(Lab("b")), *b);
  ASSERT_TRUE(again.Release(Lab("a")).ok());
  EXPECT_EQ(ids.Find(Lab("a")), std::nullopt);
  EXPECT_EQ(ids.Claim(Lab("c")).value(), *a);  // freed: handed out again
}

TEST_F(MultilabIdsTest, ExhaustedRangeIsUnavailableAndStaleClaimsAreTakenOver) {
  MultilabIds ids(root_ + "/ids", {1, 2, {}});
  ASSERT_TRUE(ids.Claim(Lab("a")).ok());
  ASSERT_TRUE(ids.Claim(Lab("b")).ok());
  auto none = ids.Claim(Lab("c"));
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), api::Code::kUnavailable);
  fs::remove_all(Lab("a"));  // its data directory is gone: the claim is stale
  EXPECT_TRUE(ids.Claim(Lab("c")).ok());
}

TEST_F(MultilabIdsTest, IdsBusyElsewhereOnTheHostAreSkipped) {
  MultilabIds ids(root_ + "/ids", {1, 3, {}});
  EXPECT_EQ(ids.Claim(Lab("a"), [](int id) { return id == 1; }).value(), 2);
  // An existing claim is kept even when the check would now call its id busy (it is ours).
  EXPECT_EQ(ids.Claim(Lab("a"), [](int) { return true; }).value(), 2);
}

}  // namespace
}  // namespace labctl::netlab
