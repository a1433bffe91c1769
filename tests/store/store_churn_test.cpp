// Churn: what deleted objects and old changes leave behind. The change history is bounded by
// bytes (a watch from before the cut gets 410, one from after it sees every change), labd.db
// gives the space of deleted rows back (also a file written before incremental vacuum), and an
// acknowledged write survives kill -9 while compaction and vacuum run.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "store/store.h"
#include "store/wal_checkpointer.h"
#include "store_test_env.h"
#include "tests/support/poll.h"

namespace labctl::store {
namespace {

using testing::Collect;
using testing::Lab;
using testing::OpenOrDie;
using testing::TempDir;

// A Lab whose stored text is a little over `pad` bytes.
json BigLab(const std::string& name, size_t pad) {
  return Lab(name, {{"provider", "docker"}, {"pad", std::string(pad, 'x')}});
}

uintmax_t DbBytes(const std::string& dir) { return std::filesystem::file_size(dir + "/labd.db"); }

TEST(StoreChurn, HistoryIsBoundedByBytesAndAWatchFromBeforeTheCutIsGone) {
  TempDir dir;
  Options o;
  o.data_dir = dir.path();
  o.max_history_bytes = 64 << 10;  // room for ~25 changes of these 2 KB Labs
  auto s = OpenOrDie(o);
  for (int i = 0; i < 100; ++i)
    ASSERT_TRUE(s->Create(Kind::kLab, BigLab("l" + std::to_string(i), 2000)).ok());
  // The byte budget compacts on its own (no Compact() call, far below the count limit).
  ASSERT_TRUE(::labctl::testing::PollUntil([&] { return s->CompactedRevision() > 0; }));
  s->Compact();
  const uint64_t compacted = s->CompactedRevision();
  EXPECT_GT(compacted, 50u);
  EXPECT_LT(compacted, 100u);

  WatchOptions w;
  w.from_revision = compacted - 1;
  auto gone = s->WatchKind(Kind::kLab, w);
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.status().http_code(), 410);

  // From the cut on: every later change, in order, none missing.
  w.from_revision = compacted;
  auto watch = s->WatchKind(Kind::kLab, w);
  ASSERT_TRUE(watch.ok()) << watch.status().ToString();
  auto events = Collect(**watch, 100 - compacted);
  ASSERT_EQ(events.size(), 100 - compacted);
  for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].revision, compacted + 1 + i);
  EXPECT_TRUE(testing::NothingPending(**watch));
}

TEST(StoreChurn, DeletedObjectsGiveTheirSpaceBackToTheFileSystem) {
  TempDir dir;
  Options o;
  o.data_dir = dir.path();
  o.max_history = 10;
  auto s = OpenOrDie(o);
  for (int i = 0; i < 1000; ++i)
    ASSERT_TRUE(s->Create(Kind::kLab, BigLab("l" + std::to_string(i), 4000)).ok());
  s->Compact();
  // The objects reach labd.db itself when the WAL checkpointer has copied them there.
  EXPECT_TRUE(::labctl::testing::PollUntil([&] { return DbBytes(dir.path()) > 4'000'000u; }))
      << DbBytes(dir.path());
  const uintmax_t full = DbBytes(dir.path());
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(s->Delete(Kind::kLab, "l" + std::to_string(i)).ok());
  s->Compact();
  // The file shrinks when the WAL checkpointer (its own thread) has copied the vacuum back.
  EXPECT_TRUE(::labctl::testing::PollUntil([&] { return DbBytes(dir.path()) < full / 10; }))
      << "full: " << full << " now: " << DbBytes(dir.path());
  EXPECT_TRUE(s->List(Kind::kLab).items.empty());
}

TEST(StoreChurn, AFileWithoutIncrementalVacuumIsConvertedOnceAtOpen) {
  TempDir dir;
  {
    auto s = OpenOrDie(dir.path());
    for (int i = 0; i < 300; ++i)
      ASSERT_TRUE(s->Create(Kind::kLab, BigLab("l" + std::to_string(i), 4000)).ok());
  }
  {  // as labd.db files written before incremental vacuum are
    SQLite::Database db(dir.path() + "/labd.db", SQLite::OPEN_READWRITE);
    db.exec("PRAGMA auto_vacuum=NONE");
    db.exec("VACUUM");
    ASSERT_EQ(db.execAndGet("PRAGMA auto_vacuum").getInt(), 0);
  }
  Options o;
  o.data_dir = dir.path();
  o.max_history = 10;
  {
    auto s = OpenOrDie(o);
    ASSERT_NE(s, nullptr);
    EXPECT_EQ(s->List(Kind::kLab).items.size(), 300u);
    EXPECT_EQ(s->Revision(), 300u);
    const uintmax_t full = DbBytes(dir.path());
    for (int i = 0; i < 300; ++i) ASSERT_TRUE(s->Delete(Kind::kLab, "l" + std::to_string(i)).ok());
    s->Compact();
    EXPECT_TRUE(::labctl::testing::PollUntil([&] { return DbBytes(dir.path()) < full / 5; }))
        << "full: " << full << " now: " << DbBytes(dir.path());
  }
  SQLite::Database db(dir.path() + "/labd.db", SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA auto_vacuum").getInt(), 2);  // INCREMENTAL
}

// A child process creates and deletes large Labs with a tiny history budget, so that compaction
// and vacuum run all the time, and acknowledges each write on a pipe; the parent kills it with
// SIGKILL mid-way. Every acknowledged write must be there after reopening.
TEST(StoreChurn, AcknowledgedWritesSurviveKill9DuringCompactionAndVacuum) {
  TempDir dir;
  Options o;
  o.data_dir = dir.path();
  o.max_history = 50;
  o.max_history_bytes = 32 << 10;
  int ack[2];
  ASSERT_EQ(pipe(ack), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(ack[0]);
    auto s = Store::Open(o);
    if (!s.ok()) _exit(2);
    // Op 3i creates keep-i, 3i+1 creates big-i, 3i+2 deletes big-i; the ack byte is the op % 3.
    for (int i = 0;; ++i) {
      std::string n = std::to_string(i);
      if (!(*s)->Create(Kind::kLab, Lab("keep-" + n)).ok()) _exit(3);
      if (!(*s)->Create(Kind::kLab, BigLab("big-" + n, 8000)).ok()) _exit(3);
      if (!(*s)->Delete(Kind::kLab, "big-" + n).ok()) _exit(3);
      char b = 1;
      if (write(ack[1], &b, 1) != 1) _exit(4);
    }
  }
  close(ack[1]);
  int acknowledged = 0;
  char b;
  while (acknowledged < 1500 && read(ack[0], &b, 1) == 1) ++acknowledged;
  kill(child, SIGKILL);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exit " << WEXITSTATUS(status);
  ASSERT_EQ(acknowledged, 1500);
  // The child ran on while the parent stopped reading: its later acks are still in the pipe, and
  // each stands for a completed iteration too. At most one more iteration was under way.
  while (read(ack[0], &b, 1) == 1) ++acknowledged;
  close(ack[0]);

  auto s = OpenOrDie(o);
  ASSERT_NE(s, nullptr);
  EXPECT_GE(s->Revision(), 3u * acknowledged);
  for (int i = 0; i < acknowledged; ++i) {
    std::string n = std::to_string(i);
    EXPECT_TRUE(s->Get(Kind::kLab, "keep-" + n).ok()) << n;
    EXPECT_EQ(s->Get(Kind::kLab, "big-" + n).status().code(), api::Code::kNotFound) << n;
  }
  EXPECT_LE(s->List(Kind::kLab).items.size(), static_cast<size_t>(acknowledged) + 2);
}

// Under a steady stream of commits the passive checkpoints never catch up with the writer, and
// SQLite only starts its log over once one has: the WAL grew by ~20 KB per commit without bound
// (311 MB after 15,000 facade writes). It stays bounded now (wal_checkpointer.h).
TEST(StoreChurn, WalStaysBoundedUnderASteadyStreamOfWrites) {
  TempDir dir;
  auto s = OpenOrDie(dir.path());
  const std::string wal = dir.path() + "/labd.db-wal";
  const uintmax_t bound = 2 * WalCheckpointer::kRestartAboveFrames * 4096;
  std::atomic<uintmax_t> largest{0};
  std::atomic<bool> failed{false};
  auto write = [&](const std::string& name) {
    json lab = *s->Create(Kind::kLab, BigLab(name, 6000));
    for (int i = 0; i < 3000 && !failed; ++i) {
      lab["spec"]["round"] = i;
      auto written = s->Update(Kind::kLab, lab);
      if (!written.ok()) {
        failed = true;
        break;
      }
      lab = *written;
      std::error_code ec;
      uintmax_t size = std::filesystem::file_size(wal, ec);
      if (!ec && size > largest) largest = size;
    }
  };
  std::thread a(write, "a"), b(write, "b");
  a.join();
  b.join();
  ASSERT_FALSE(failed);
  // 6,000 commits of ~8 KB objects (each written to the objects and changes tables): the log
  // takes several times the bound if it is never started over.
  EXPECT_LT(largest.load(), bound) << "largest WAL " << largest.load() << " bytes";
}

}  // namespace
}  // namespace labctl::store
