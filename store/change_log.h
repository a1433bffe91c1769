// ChangeLog: the in-memory tail of the change history (what compaction left), oldest first, from
// which watchers resume; objects are kept packed (text), shared with the store's current objects.
// Mirrors the SQLite `changes` table. Not thread-safe: the watch hub owns it under its mutex.
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

class ChangeLog {
 public:
  void Append(LoggedChange c) { log_.push_back(std::move(c)); }
  size_t size() const { return log_.size(); }
  // Changes with revision > after, oldest first.
  std::vector<const PackedChange*> After(uint64_t after) const;
  // The highest revision compaction may remove so that at most `max_count` changes remain, none
  // committed before `oldest_kept`, and the newest always stays. nullopt: nothing to remove.
  std::optional<uint64_t> CompactionCut(size_t max_count, api::TimePoint oldest_kept) const;
  // Drops changes with revision <= through.
  void DropThrough(uint64_t through);

 private:
  std::deque<LoggedChange> log_;
};

}  // namespace labctl::store
