#include "store/wal_checkpointer.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <cstdint>
#include <thread>

namespace labctl::store {

namespace {
constexpr std::chrono::microseconds kBusyPoll{100};

// `limit_polls` carries the number of polls allowed as its value.
int PollAgain(void* limit_polls, int polls) {
  if (polls >= static_cast<int>(reinterpret_cast<intptr_t>(limit_polls))) return 0;
  std::this_thread::sleep_for(kBusyPoll);
  return 1;
}
}  // namespace

void WaitBrieflyWhenBusy(SQLite::Database& db, std::chrono::milliseconds limit) {
  auto polls = static_cast<intptr_t>(limit / kBusyPoll);
  sqlite3_busy_handler(db.getHandle(), PollAgain, reinterpret_cast<void*>(polls));
}

WalCheckpointer::WalCheckpointer(const std::string& path, const std::string& synchronous)
    : db_(std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE)) {
  db_->exec("PRAGMA synchronous=" + synchronous);
  WaitBrieflyWhenBusy(*db_, kRestartWait);
  thread_ = std::thread([this] { Loop(); });
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void WalCheckpointer::Committed() {
  bool due = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    due = ++pending_ >= kCommitsPerCheckpoint;
  }
  if (due) cv_.notify_one();
}

void WalCheckpointer::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    // Wait for enough commits, or for a quiet moment after fewer.
    cv_.wait_for(lock, kIdleCheckpoint,
                 [&] { return stopping_ || pending_ >= kCommitsPerCheckpoint; });
    if (stopping_) return;
    if (pending_ == 0) continue;
    pending_ = 0;
    lock.unlock();
    try {
      SQLite::Statement passive(*db_, "PRAGMA wal_checkpoint(PASSIVE)");
      int64_t log_frames = passive.executeStep() ? passive.getColumn(1).getInt64() : 0;
      passive.reset();
      if (log_frames > kRestartAboveFrames) db_->exec("PRAGMA wal_checkpoint(RESTART)");
    } catch (const std::exception& e) {  // nothing may end this thread; the next one retries
      spdlog::warn("store: WAL checkpoint failed error={}", e.what());
    }
    lock.lock();
  }
}

}  // namespace labctl::store
