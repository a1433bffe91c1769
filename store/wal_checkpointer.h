// WalCheckpointer: copies labd.db's write-ahead log back into the database file on its own thread
// and its own SQLite connection, so that no write waits for a checkpoint. (SQLite's automatic
// checkpoint runs inside the commit that crosses 1,000 WAL pages: with synchronous=NORMAL that
// commit also waits for two fsyncs, 10-50 ms every ~200 writes.) The writer's connection has
// automatic checkpoints turned off; this one runs PASSIVE checkpoints (never blocking a writer)
// once kCommitsPerCheckpoint commits have gone by, or kIdleCheckpoint after the last of fewer.
// Under a steady stream of commits a PASSIVE checkpoint never catches up with the writer, and
// SQLite starts the log over only once it has: the WAL would grow without bound (~20 KB per
// commit) and every page lookup would walk its whole index. So once the log passes
// kRestartAboveFrames after a checkpoint, a RESTART checkpoint follows: it waits for the commit in
// progress, copies the few frames written since and lets the next commit start the log from the
// beginning (journal_size_limit then cuts the file back); commits meanwhile wait for it (the
// writer's busy timeout), once per ~64 MiB of log.
// Durability is SQLite's as before: a commit is in the WAL when it returns; a checkpoint syncs
// the WAL first and the database file after (synchronous NORMAL and up).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace SQLite {
class Database;
}  // namespace SQLite

namespace labctl::store {

// Makes `db` wait up to `limit` for a lock another connection holds, polling every 100 µs
// (SQLite's own busy timeout sleeps 1, 2, 5 ... 100 ms between polls, so a commit waiting for a
// checkpoint of a few ms would wait 10-25 ms).
void WaitBrieflyWhenBusy(SQLite::Database& db, std::chrono::milliseconds limit);

class WalCheckpointer {
 public:
  static constexpr int kCommitsPerCheckpoint = 200;
  static constexpr std::chrono::milliseconds kIdleCheckpoint{1000};
  static constexpr int64_t kRestartAboveFrames = 16384;           // 64 MiB of 4 KiB pages
  static constexpr std::chrono::milliseconds kRestartWait{2000};  // for the writer's commit

  // Opens its connection to `path` (already in WAL mode); throws SQLite::Exception on failure.
  WalCheckpointer(const std::string& path, const std::string& synchronous);
  ~WalCheckpointer();  // stops the thread (the last connection to close checkpoints anyway)
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Called by the writer after each commit.
  void Committed();

 private:
  void Loop();

  std::unique_ptr<SQLite::Database> db_;
  std::mutex mu_;
  std::condition_variable cv_;
  int pending_ = 0;  // commits since the last checkpoint
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace labctl::store
