// ChangeLog: the in-memory tail of the change history (what compaction left), oldest first, from
// which watchers resume; objects are kept packed (text), shared with the store's current objects.
// Mirrors the SQLite `changes` table. Keeps a running estimate of the heap it holds, so the
// history can be bounded by bytes as well as by count and age.
// Not thread-safe: the watch hub owns it under its mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "api/clock.h"
#include "store/packed_object.h"

namespace labctl::store {

struct LoggedChange {
  PackedChange change;
  api::TimePoint time;  // commit time (store clock), for age-based compaction
};

// What compaction keeps: at most `max_count` changes and `max_bytes` of them, none committed
// before `oldest_kept`; the newest change always stays.
struct HistoryLimits {
  size_t max_count = 0;
  size_t max_bytes = 0;
  api::TimePoint oldest_kept;
};

class ChangeLog {
 public:
  void Append(LoggedChange c);
  size_t size() const { return log_.size(); }
  // Estimated heap held by the log: each change's object and its previous state are both
  // counted, even where they are shared, so the real figure is at most this.
  size_t bytes() const { return bytes_; }
  // Changes with revision > after, oldest first.
  std::vector<const PackedChange*> After(uint64_t after) const;
  // The highest revision compaction must remove to stay within `limits`. nullopt: nothing.
  std::optional<uint64_t> CompactionCut(const HistoryLimits& limits) const;
  // Drops changes with revision <= through.
  void DropThrough(uint64_t through);

 private:
  struct Entry {
    LoggedChange logged;
    size_t bytes;
  };
  std::deque<Entry> log_;
  size_t bytes_ = 0;
};

}  // namespace labctl::store
