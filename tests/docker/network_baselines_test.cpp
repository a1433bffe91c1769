// NetworkBaselines: snapshots kept per container id, on disk across restarts, and pruned only
// for containers that are gone and were snapshotted before the live list was read.
#include "reconcilers/providers/docker/network_baselines.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "support/labd_process.h"

namespace labctl {
namespace {

using reconcilers::NetworkBaselines;
using Clock = std::filesystem::file_time_type::clock;

TEST(NetworkBaselinesTest, PruneForgetsGoneContainersButNotOnesSnapshottedSinceTheListing) {
  const std::string dir = testing::MakeTempDir("baselines");
  NetworkBaselines baselines(dir);
  ASSERT_TRUE(baselines.Put("aaaa", "live").ok());
  ASSERT_TRUE(baselines.Put("bbbb", "gone").ok());
  const auto listed_at = Clock::now();
  ASSERT_TRUE(baselines.Put("cccc", "started after the listing").ok());
  baselines.Prune({"aaaa"}, listed_at);
  EXPECT_EQ(baselines.Get("aaaa"), "live");
  EXPECT_EQ(baselines.Get("bbbb"), std::nullopt);
  EXPECT_EQ(baselines.Get("cccc"), "started after the listing");
  EXPECT_FALSE(std::filesystem::exists(dir + "/bbbb.rules"));

  NetworkBaselines after_restart(dir);  // files only, none Put by this process
  EXPECT_EQ(after_restart.Get("cccc"), "started after the listing");
  after_restart.Prune({}, Clock::now());
  EXPECT_EQ(after_restart.Get("aaaa"), std::nullopt);
  EXPECT_EQ(after_restart.Get("cccc"), std::nullopt);
  EXPECT_TRUE(std::filesystem::is_empty(dir));
}

}  // namespace
}  // namespace labctl
