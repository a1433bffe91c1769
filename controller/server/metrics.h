// Metrics: counters labd exposes at /metrics in the Prometheus text format. Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace labctl::server {

class Metrics {
 public:
  void CountRequest(const std::string& method, int http_code);
  void WatchOpened() {
    ++watchers_open_;
    ++watches_total_;
  }
  void WatchClosed() { --watchers_open_; }
  void EventSent() { ++watch_events_sent_; }
  int watchers_open() const { return watchers_open_.load(); }
  void ConnectionsOpen(size_t n) { connections_open_ = n; }
  // Prometheus text exposition, with the store's revisions appended by the caller.
  std::string Render(uint64_t store_revision, uint64_t compacted_revision) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // (method, code) -> count
  std::atomic<int> watchers_open_{0};
  std::atomic<uint64_t> watches_total_{0};
  std::atomic<uint64_t> watch_events_sent_{0};
  std::atomic<size_t> connections_open_{0};
};

}  // namespace labctl::server
