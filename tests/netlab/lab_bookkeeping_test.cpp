// netlab's status file entry and generated files, checked with the real netlab reading them.
#include "drivers/netlab/lab_bookkeeping.h"

#include <gmock/gmock.h>

#include <filesystem>

#include "netlab_env.h"

namespace labctl::netlab {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::NetlabTest;
using testing::ReadText;
using testing::WriteText;

// An entry exactly as netlab 26.03 writes it (another lab of the same user).
constexpr const char* kOtherLab =
    "default:\n"
    "  dir: /home/me/other\n"
    "  log:\n"
    "  - '2026-01-02T03:04:05.000006+00:00: started'\n"
    "  providers:\n"
    "  - clab\n"
    "  status: started\n"
    "  timestamp: 2026-01-02 03:04:05.000006+00:00\n";

TEST_F(NetlabTest, StartedEntryIsWhatNetlabStatusReads) {
  std::string dir = LabDir("chain", "chain");
  ASSERT_TRUE(cli_.Create(dir, {"topology.yml", 9, {}})->ok());
  std::filesystem::create_directories(scratch_ + "/.netlab");
  WriteText(status_file(), kOtherLab);
  ASSERT_TRUE(RecordLabStarted(status_file(), LabId(9), dir, "ml-9").ok());
  auto all = cli_.Run(dir, {"status", "--all", "--format", "json"});
  ASSERT_TRUE(all.ok() && all->ok()) << (all.ok() ? all->Summary() : all.status().ToString());
  auto labs = nlohmann::json::parse(all->out, nullptr, false);
  ASSERT_TRUE(labs.is_object()) << all->out;
  EXPECT_EQ(labs["9"]["status"], "started");
  EXPECT_EQ(labs["9"]["dir"], std::filesystem::canonical(dir).string());
  EXPECT_EQ(labs["9"]["providers"], nlohmann::json::array({"clab"}));
  EXPECT_EQ(labs["default"]["dir"], "/home/me/other");
  // `netlab status --log` in the lab directory finds the lab by its directory.
  auto log = cli_.Run(dir, {"status", "--log"});
  ASSERT_TRUE(log.ok() && log->ok()) << (log.ok() ? log->Summary() : log.status().ToString());
  EXPECT_THAT(log->out, HasSubstr("Lab 9 in"));
  EXPECT_THAT(log->out, HasSubstr("started"));
}

TEST_F(NetlabTest, RemovingAnEntryLeavesTheOthersByteForByte) {
  std::filesystem::create_directories(scratch_ + "/.netlab");
  std::string ours = scratch_ + "/ours";
  std::filesystem::create_directories(ours);
  WriteText(status_file(), kOtherLab);
  ASSERT_TRUE(RecordLabStarted(status_file(), "12", ours, "ml-12").ok());
  ASSERT_TRUE(RecordLabStarted(status_file(), "12", ours, "ml-12").ok());  // replaces, no copy
  EXPECT_THAT(*StatusLabIds(status_file()), ElementsAre("default", "12"));
  ASSERT_TRUE(RemoveLabStatus(status_file(), "12").ok());
  EXPECT_EQ(ReadText(status_file()), kOtherLab);
  ASSERT_TRUE(RemoveLabStatus(status_file(), "12").ok());  // already gone: fine
  ASSERT_TRUE(RemoveLabStatus(status_file(), "default").ok());
  EXPECT_EQ(ReadText(status_file()), "{}\n");  // what netlab writes for no labs
  auto none = cli_.Run(scratch_, {"status", "--all"});
  ASSERT_TRUE(none.ok());
  EXPECT_THAT(none->out, HasSubstr("No netlab-managed labs"));
}

TEST_F(NetlabTest, UnreadableStatusFileIsAnErrorNotAnOverwrite) {
  std::filesystem::create_directories(scratch_ + "/.netlab");
  WriteText(status_file(), "- a list, not netlab's mapping\n");
  EXPECT_FALSE(RemoveLabStatus(status_file(), "3").ok());
  EXPECT_EQ(ReadText(status_file()), "- a list, not netlab's mapping\n");
}

TEST_F(NetlabTest, GeneratedFilesAreNetlabsOwnListAndGoAway) {
  std::string dir = LabDir("frr", "frr");
  WriteText(dir + "/extra.cfg", "user file\n");
  ASSERT_TRUE(cli_.Create(dir, {})->ok());
  auto listed = QueryGeneratedFiles(cli_, dir);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  // The built-in list (used when netlab is gone at teardown) is this netlab's.
  std::vector<std::string> a = *listed, b = DefaultGeneratedFiles();
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
  ASSERT_TRUE(RemoveGeneratedFiles(dir, *listed).ok());
  std::vector<std::string> left;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    left.push_back(e.path().filename().string());
  std::sort(left.begin(), left.end());
  // The nodes dump create writes on labd's request is labd's to remove (the provider's list).
  EXPECT_THAT(left, ElementsAre("extra.cfg", kNodesDumpFile, "topology.yml"));
  EXPECT_FALSE(RemoveGeneratedFiles(dir, {"../escape"}).ok());
}

}  // namespace
}  // namespace labctl::netlab
