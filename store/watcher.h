// Watcher: one watch's filter and event buffer, shared between the hub (producer) and the
// caller's Watch handle (consumer). Initial events (the synthetic ADDED list or the replay from
// the change log) are unbounded; live events are bounded by the hub's buffer size.
// Thread-safe: every member is guarded by the watcher's own mutex, so fan-out to many watchers
// never makes a consumer wait on the hub.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

#include "store/store.h"

namespace labctl::store {

class Watcher {
 public:
  // `start`: the revision the watcher is up to date with once its initial events are consumed;
  // live changes <= start are skipped.
  Watcher(Kind kind, const WatchOptions& options, uint64_t start);

  // The event this change means for this watcher (selector transitions become ADDED/DELETED),
  // or nullopt if it does not concern it.
  std::optional<WatchEvent::Type> EventTypeFor(const Change& change) const;
  WatchEvent EventFor(const Change& change, WatchEvent::Type type) const;
  // Whether an object with this name and labels is one this watcher follows.
  bool Matches(const std::string& name, const json& labels) const;

  // Setup, before the watcher is visible to the hub.
  void AddInitial(WatchEvent event, uint64_t through);
  void SetDeliveredThrough(uint64_t revision) { delivered_through_ = revision; }

  // Hub side. Returns false if the watcher is (now) finished and should be dropped.
  bool Deliver(const std::vector<Change>& changes, size_t buffer);
  void Fail(const Status& status, bool drop_pending);

  // Consumer side (Watch interface).
  Watch::Next Poll(WatchEvent* out, std::chrono::milliseconds timeout);
  uint64_t Revision() const;
  void Cancel();

 private:
  struct Pending {
    WatchEvent event;
    uint64_t through;  // revision the watcher is up to date with once this is consumed (0: n/a)
  };
  bool Finished() const { return cancelled_ || error_.has_value(); }
  bool Matches(const json& object) const;

  const Kind kind_;
  const api::Selector selector_;
  const std::string name_;
  const uint64_t start_;
  const std::function<bool(const WatchEvent&)> live_filter_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> initial_;
  std::deque<Pending> live_;
  uint64_t delivered_through_ = 0;
  uint64_t seen_;  // every change up to here was considered (delivered or filtered out)
  std::optional<Status> error_;
  bool error_sent_ = false;
  bool cancelled_ = false;
};

}  // namespace labctl::store
