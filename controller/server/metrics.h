// Metrics: the HTTP server's series in the process-wide registry (metrics/registry.h) —
// requests by method and code, latency of ordinary requests, refusals of the connection gate by
// request class, connections, watch streams, TLS handshake failures, the store's revisions —
// and the count of open watch streams that the server's own limit reads. /metrics renders the
// whole registry, so the controllers', store's and Docker driver's series appear beside these.
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "controller/server/request_head.h"
#include "metrics/registry.h"
#include "store/store.h"

namespace labctl::server {

class Metrics {
 public:
  // Publishes `store`'s revisions and this server's gauges while it lives.
  explicit Metrics(const store::Store& store);

  void CountRequest(const std::string& method, int http_code);
  // An ordinary request served in `seconds`.
  void ObserveRequest(const std::string& method, std::chrono::steady_clock::time_point start);
  // The gate answered `http_code` itself; `request_class` is empty for a connection refused as
  // it was accepted (too many connections), else the request's class.
  void CountRefusal(const std::string& request_class, int http_code);
  void TlsHandshakeFailed(const std::string& reason);
  void WatchOpened();
  void WatchClosed() { --watchers_open_; }
  void EventSent() { events_sent_.Inc(); }
  int watchers_open() const { return watchers_open_.load(); }
  void ConnectionsOpen(size_t n) { connections_open_ = n; }

  // The whole registry in the Prometheus text format.
  static std::string Render();

 private:
  metrics::CounterFamily& requests_;
  metrics::HistogramFamily& request_seconds_;
  metrics::CounterFamily& refusals_;
  metrics::CounterFamily& tls_failures_;
  metrics::Counter& watches_total_;
  metrics::Counter& events_sent_;
  std::atomic<int> watchers_open_{0};
  std::atomic<size_t> connections_open_{0};
  metrics::CollectorHandle collector_;
};

}  // namespace labctl::server
