// WatchHub: in-process fan-out of committed changes to watchers, plus the in-memory change log
// watchers resume from. The writer thread calls Publish after each commit; nothing polls SQLite.
//
// Guarantees: a watcher sees every matching change after its start point exactly once and in
// revision order (replay from the log and live delivery are joined under the hub mutex, so no
// gap and no duplicate). Each watcher has a bounded buffer of live events; one that falls behind
// is closed with a Gone error instead of slowing the writer. Events share the committed JSON
// (shared_ptr<const json>), so fan-out copies no objects. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "store/change_log.h"
#include "store/store.h"

namespace labctl::store {

class Watcher;

// Current objects of one kind and the store revision they are consistent with.
struct Snapshot {
  std::vector<PackedPtr> objects;
  uint64_t revision = 0;
};

class WatchHub : public std::enable_shared_from_this<WatchHub> {
 public:
  // `revision`: the last committed revision; `compacted`: highest revision dropped from `log`.
  WatchHub(size_t watch_buffer, ChangeLog log, uint64_t compacted, uint64_t revision);
  ~WatchHub();

  // `snapshot` is called (under the hub mutex) only for a watch without from_revision; it must
  // return state at least as new as everything published so far.
  Result<std::unique_ptr<Watch>> Subscribe(Kind kind, const WatchOptions& options,
                                           const std::function<Snapshot()>& snapshot);
  // Appends the changes (ascending revisions, all committed at `time`) to the log and hands them
  // to the watchers; `packed[i]` is changes[i] as the log keeps it.
  void Publish(const std::vector<Change>& changes, std::vector<PackedChange> packed,
               api::TimePoint time);

  std::optional<uint64_t> CompactionCut(const HistoryLimits& limits) const;
  size_t HistoryBytes() const;
  // Drops changes <= through from the log (after they are gone from SQLite).
  void DropThrough(uint64_t through);
  uint64_t Compacted() const;
  size_t WatcherCount() const;

  // Ends every watch with an error event carrying `status`; later Subscribes fail with it.
  void Close(const Status& status);

 private:
  friend class WatchHandle;
  void Unsubscribe(const Watcher* watcher);

  const size_t buffer_;
  mutable std::mutex mu_;
  ChangeLog log_;
  uint64_t compacted_;
  uint64_t published_;
  std::vector<std::shared_ptr<Watcher>> watchers_;
  std::optional<Status> closed_;
};

}  // namespace labctl::store
