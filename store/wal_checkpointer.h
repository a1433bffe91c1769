// WalCheckpointer: copies labd.db's write-ahead log back into the database file on its own thread
// and its own SQLite connection, so that no write waits for a checkpoint. (SQLite's automatic
// checkpoint runs inside the commit that crosses 1,000 WAL pages: with synchronous=NORMAL that
// commit also waits for two fsyncs, 10-50 ms every ~200 writes.) The writer's connection has
// automatic checkpoints turned off; this one runs PASSIVE checkpoints (never blocking a writer)
// once kCommitsPerCheckpoint commits have gone by, or kIdleCheckpoint after the last of fewer.
// Durability is SQLite's as before: a commit is in the WAL when it returns; a checkpoint syncs
// the WAL first and the database file after (synchronous NORMAL and up).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace SQLite {
class Database;
}  // namespace SQLite

namespace labctl::store {

class WalCheckpointer {
 public:
  static constexpr int kCommitsPerCheckpoint = 200;
  static constexpr std::chrono::milliseconds kIdleCheckpoint{1000};

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
