#include "store/wal_checkpointer.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <spdlog/spdlog.h>

namespace labctl::store {

WalCheckpointer::WalCheckpointer(const std::string& path, const std::string& synchronous)
    : db_(std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE)) {
  db_->exec("PRAGMA synchronous=" + synchronous);
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
      db_->exec("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (const std::exception& e) {  // nothing may end this thread; the next one retries
      spdlog::warn("store: WAL checkpoint failed error={}", e.what());
    }
    lock.lock();
  }
}

}  // namespace labctl::store
