// Durability: reopen restores objects, revisions and the change log; acknowledged writes survive
// kill -9; the data-dir lock keeps a second store out and names the holder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "store/store.h"
#include "store_test_env.h"

namespace labctl::store {
namespace {

using testing::Collect;
using testing::Describe;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Lab;
using testing::NothingPending;
using testing::OpenOrDie;
using testing::Rv;
using testing::TempDir;

TEST(StoreDurability, ReopenRestoresObjectsRevisionsAndHistory) {
  TempDir dir;
  json a;
  {
    auto s = OpenOrDie(dir.path());
    a = *s->Create(Kind::kLab, Lab("a", {}, {{"team", "blue"}}));
    ASSERT_TRUE(s->Create(Kind::kLab, Lab("b")).ok());
    a["spec"]["x"] = 1;
    a = *s->Update(Kind::kLab, a);
    ASSERT_TRUE(s->Delete(Kind::kLab, "b").ok());
    ASSERT_TRUE(s->Create(Kind::kSession, Lab("s")).ok());
    EXPECT_EQ(s->Revision(), 5u);
  }
  auto s = OpenOrDie(dir.path());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->Revision(), 5u);
  auto got = s->Get(Kind::kLab, "a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, a);
  EXPECT_EQ(s->Get(Kind::kLab, "b").status().code(), api::Code::kNotFound);
  EXPECT_EQ(s->List(Kind::kSession).items.size(), 1u);

  // New revisions continue from the old maximum.
  json c = *s->Create(Kind::kLab, Lab("c"));
  EXPECT_EQ(Rv(c), 6u);

  // The change log survived: resume from before the restart.
  WatchOptions o;
  o.from_revision = 1;
  auto w = s->WatchKind(Kind::kLab, o);
  ASSERT_TRUE(w.ok());
  EXPECT_THAT(Describe(Collect(**w, 4)),
              ElementsAre("ADDED b", "MODIFIED a", "DELETED b", "ADDED c"));
  EXPECT_TRUE(NothingPending(**w));
}

// No commit writes the revision itself: reopen finds it in the objects, the log and the compacted
// revision, also when the newest changes were deletes and most of the log is compacted.
TEST(StoreDurability, RevisionAfterReopenIsTheLastCommitsWhenItDeleted) {
  TempDir dir;
  Options opts;
  opts.data_dir = dir.path();
  opts.max_history = 1;
  {
    auto s = OpenOrDie(opts);
    for (int i = 0; i < 4; ++i)
      ASSERT_TRUE(s->Create(Kind::kLab, Lab("l" + std::to_string(i))).ok());
    ASSERT_TRUE(s->Delete(Kind::kLab, "l3").ok());
    ASSERT_TRUE(s->Delete(Kind::kLab, "l2").ok());
    EXPECT_EQ(s->Revision(), 6u);
  }
  {
    auto s = OpenOrDie(opts);
    EXPECT_EQ(s->Revision(), 6u);
    s->Compact();
    EXPECT_EQ(s->CompactedRevision(), 5u);
  }
  auto s = OpenOrDie(opts);
  EXPECT_EQ(s->Revision(), 6u);
  EXPECT_EQ(Rv(*s->Create(Kind::kLab, Lab("l4"))), 7u);
}

TEST(StoreDurability, WatchResumesAcrossReopenWithoutGapOrDuplicate) {
  TempDir dir;
  uint64_t bookmark = 0;
  {
    auto s = OpenOrDie(dir.path());
    auto w = s->WatchKind(Kind::kLab, {}).value();
    for (int i = 0; i < 5; ++i)
      ASSERT_TRUE(s->Create(Kind::kLab, Lab("l" + std::to_string(i))).ok());
    ASSERT_EQ(Collect(*w, 3).size(), 3u);  // the client saw l0..l2, then labd stopped
    bookmark = w->Revision();
    EXPECT_EQ(bookmark, 3u);
  }
  auto s = OpenOrDie(dir.path());
  ASSERT_TRUE(s->Create(Kind::kLab, Lab("l5")).ok());
  WatchOptions o;
  o.from_revision = bookmark;
  auto w = s->WatchKind(Kind::kLab, o);
  ASSERT_TRUE(w.ok());
  EXPECT_THAT(Describe(Collect(**w, 3)), ElementsAre("ADDED l3", "ADDED l4", "ADDED l5"));
  EXPECT_TRUE(NothingPending(**w));
}

TEST(StoreDurability, CompactionSurvivesReopen) {
  TempDir dir;
  Options opts;
  opts.data_dir = dir.path();
  opts.max_history = 2;
  {
    auto s = OpenOrDie(opts);
    for (int i = 0; i < 6; ++i)
      ASSERT_TRUE(s->Create(Kind::kLab, Lab("l" + std::to_string(i))).ok());
    s->Compact();
    EXPECT_EQ(s->CompactedRevision(), 4u);
  }
  auto s = OpenOrDie(opts);
  EXPECT_EQ(s->CompactedRevision(), 4u);
  EXPECT_EQ(s->List(Kind::kLab).items.size(), 6u);
  WatchOptions o;
  o.from_revision = 3;
  EXPECT_EQ(s->WatchKind(Kind::kLab, o).status().http_code(), 410);
  o.from_revision = 4;
  auto w = s->WatchKind(Kind::kLab, o);
  ASSERT_TRUE(w.ok());
  EXPECT_THAT(Describe(Collect(**w, 2)), ElementsAre("ADDED l4", "ADDED l5"));
}

TEST(StoreDurability, SelectorTransitionAfterReopenUsesLoggedPreviousState) {
  TempDir dir;
  json a;
  {
    auto s = OpenOrDie(dir.path());
    a = *s->Create(Kind::kLab, Lab("a", {}, {{"team", "blue"}}));
    a["metadata"]["labels"]["team"] = "red";
    a = *s->Update(Kind::kLab, a);
  }
  auto s = OpenOrDie(dir.path());
  WatchOptions o;
  o.from_revision = 1;
  o.selector = *api::ParseSelector("team=blue");
  auto w = s->WatchKind(Kind::kLab, o);
  ASSERT_TRUE(w.ok());
  EXPECT_THAT(Describe(Collect(**w, 1)), ElementsAre("DELETED a"));
}

TEST(StoreDurability, AcknowledgedWritesSurviveKill9) {
  TempDir dir;
  constexpr int kWrites = 200;
  int ack[2];
  ASSERT_EQ(pipe(ack), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ack[0]);
    Options o;
    o.data_dir = dir.path();
    auto s = Store::Open(o);
    if (!s.ok()) _exit(2);
    for (int i = 0; i < kWrites; ++i) {
      if (!(*s)->Create(Kind::kLab, Lab("l" + std::to_string(i))).ok()) _exit(3);
      char b = 1;
      if (write(ack[1], &b, 1) != 1) _exit(4);
    }
    kill(getpid(), SIGKILL);  // no destructor, no final commit
    _exit(5);
  }
  close(ack[1]);
  int acknowledged = 0;
  char b;
  while (read(ack[0], &b, 1) == 1) ++acknowledged;
  close(ack[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exit " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  ASSERT_EQ(acknowledged, kWrites);

  auto s = OpenOrDie(dir.path());  // the dead child's lock is gone
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->List(Kind::kLab).items.size(), static_cast<size_t>(kWrites));
  EXPECT_EQ(s->Revision(), static_cast<uint64_t>(kWrites));
  for (int i = 0; i < kWrites; ++i)
    EXPECT_TRUE(s->Get(Kind::kLab, "l" + std::to_string(i)).ok()) << i;
}

TEST(StoreDurability, SecondOpenInSameProcessFailsNamingThePid) {
  TempDir dir;
  auto first = OpenOrDie(dir.path());
  ASSERT_NE(first, nullptr);
  Options o;
  o.data_dir = dir.path();
  auto second = Store::Open(o);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().message(), "data dir " + dir.path() +
                                           " is in use by another labd (pid " +
                                           std::to_string(getpid()) + ")");
  first.reset();
  EXPECT_TRUE(Store::Open(o).ok());  // released on close
}

TEST(StoreDurability, OpenFailsWhileAnotherProcessHoldsTheDir) {
  TempDir dir;
  int ready[2], done[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(done), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(done[1]);
    Options o;
    o.data_dir = dir.path();
    auto s = Store::Open(o);
    char b = s.ok() ? 1 : 0;
    if (write(ready[1], &b, 1) != 1) _exit(1);
    if (read(done[0], &b, 1) < 0) _exit(1);  // hold the lock until the parent is done
    _exit(0);
  }
  close(done[0]);
  char b = 0;
  ASSERT_EQ(read(ready[0], &b, 1), 1);
  ASSERT_EQ(b, 1);
  Options o;
  o.data_dir = dir.path();
  auto second = Store::Open(o);
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(second.status().message(),
              HasSubstr("in use by another labd (pid " + std::to_string(child) + ")"));
  close(done[1]);
  int status = 0;
  waitpid(child, &status, 0);
  EXPECT_TRUE(Store::Open(o).ok());
}

TEST(StoreDurability, WithoutTakeLockNoLockFileIsCreated) {
  TempDir dir;
  Options o;
  o.data_dir = dir.path();
  o.take_lock = false;
  auto s = OpenOrDie(o);
  EXPECT_NE(s, nullptr);
  EXPECT_FALSE(std::ifstream(dir.path() + "/labd.lock").good());
}

}  // namespace
}  // namespace labctl::store
