#include "controller/server/metrics.h"

namespace labctl::server {

Metrics::Metrics(const store::Store& store)
    : requests_(metrics::Default().Counter(
          "labd_http_requests_total",
          "HTTP requests answered, by method and status code (gate refusals included).",
          {"method", "code"})),
      request_seconds_(metrics::Default().Histogram(
          "labd_http_request_duration_seconds",
          "Time to serve an ordinary request (watches and streams excluded), by method.",
          {"method"}, metrics::kFastSeconds)),
      refusals_(metrics::Default().Counter(
          "labd_http_refusals_total",
          "Requests the connection gate refused itself (429 at the limits, 408, 413, 431, ...), "
          "by request class (connection: refused as it was accepted) and code.",
          {"class", "code"})),
      tls_failures_(metrics::Default().Counter(
          "labd_tls_handshake_failures_total",
          "TLS connections closed before a request (reason: handshake, plain_http, timeout).",
          {"reason"})),
      watches_total_(metrics::Default()
                         .Counter("labd_watches_total", "Watch streams opened since start.")
                         .With()),
      events_sent_(metrics::Default()
                       .Counter("labd_watch_events_sent_total", "Watch events written to clients.")
                       .With()) {
  auto& connections = metrics::Default().Gauge(
      "labd_connections_open", "Client connections open (idle, reading or in a request).");
  auto& watchers = metrics::Default().Gauge("labd_watchers_open", "Watch streams currently open.");
  auto& revision = metrics::Default().Gauge("labd_store_revision",
                                            "Current store revision (latest resourceVersion).");
  auto& compacted = metrics::Default().Gauge(
      "labd_store_compacted_revision", "Watches must resume after this revision (older: 410).");
  collector_ = metrics::Default().AddCollector([&, this] {
    connections.With().Set(static_cast<double>(connections_open_.load()));
    watchers.With().Set(watchers_open_.load());
    revision.With().Set(static_cast<double>(store.Revision()));
    compacted.With().Set(static_cast<double>(store.CompactedRevision()));
  });
}

namespace {

// A label value for a client-chosen method: the known ones, else "other", so that clients
// cannot grow the label set.
const std::string& MethodLabel(const std::string& method) {
  static const std::string kKnown[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
  static const std::string kOther = "other";
  for (const auto& known : kKnown)
    if (method == known) return known;
  return method.empty() ? method : kOther;
}

}  // namespace

void Metrics::CountRequest(const std::string& method, int http_code) {
  requests_.With({MethodLabel(method), std::to_string(http_code)}).Inc();
}

void Metrics::ObserveRequest(const std::string& method,
                             std::chrono::steady_clock::time_point start) {
  request_seconds_.With({MethodLabel(method)}).ObserveSince(start);
}

void Metrics::CountRefusal(const std::string& request_class, int http_code) {
  refusals_.With({request_class.empty() ? "connection" : request_class, std::to_string(http_code)})
      .Inc();
}

void Metrics::TlsHandshakeFailed(const std::string& reason) { tls_failures_.With({reason}).Inc(); }

void Metrics::WatchOpened() {
  ++watchers_open_;
  watches_total_.Inc();
}

std::string Metrics::Render() { return metrics::Default().Render(); }

}  // namespace labctl::server
