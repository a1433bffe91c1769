// WatchPositions: what one watch stream of Sessions shows of the queue positions. A waiter's
// status.position is not stored (reconcilers/session/session_index.h), so the stream fills it in
// on every Waiting Session it sends, remembers what it sent, and when the queue moved sends each
// waiter whose position changed again as a MODIFIED event — with the same object (same
// resourceVersion) and the new position, at most once per kInterval (docs/sessions.md). A
// waiter whose object changed since it was sent is left to the store's own event, which carries
// the new position too, so a stream never goes back to an older object. A stream that starts
// from a resourceVersion (after a list) follows the waiters its selector matches from the start:
// if the store moved on since that revision, their positions are sent again at the first check.
// Not thread-safe: one per stream.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/server/watch_encoding.h"
#include "store/store.h"

namespace labctl::server {

class WatchPositions {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kInterval{1000};

  // `kind` and `options`: the stream's (only Session streams follow positions).
  WatchPositions(const store::Store& store, api::Kind kind, const store::WatchOptions& options);

  // The line for a store event: a Waiting Session's with its position, else `encoder`'s.
  std::shared_ptr<const std::string> Line(WatchEncoder& encoder, api::Kind kind,
                                          const store::WatchEvent& event);
  // When the stream should look for moved waiters next (nullopt: it has sent none).
  std::optional<Clock::time_point> NextCheck() const;
  // The MODIFIED lines of the waiters sent whose position changed (none before NextCheck).
  std::vector<std::string> Moved(Clock::time_point now);

 private:
  struct Sent {
    std::string resource_version;
    int64_t position = 0;
  };
  const store::Store& store_;
  std::unordered_map<std::string, Sent> sent_;  // waiters sent, by name
  Clock::time_point last_check_{};
  uint64_t checked_revision_ = 0;  // the store revision the positions sent were read at
};

}  // namespace labctl::server
