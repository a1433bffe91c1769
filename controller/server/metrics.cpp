#include "controller/server/metrics.h"

#include <fmt/format.h>

namespace labctl::server {

void Metrics::CountRequest(const std::string& method, int http_code) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{method, http_code}];
}

std::string Metrics::Render(uint64_t store_revision, uint64_t compacted_revision) const {
  std::string out;
  out += "# HELP labd_http_requests_total HTTP requests answered, by method and status code.\n";
  out += "# TYPE labd_http_requests_total counter\n";
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, count] : requests_) {
      out += fmt::format("labd_http_requests_total{{method=\"{}\",code=\"{}\"}} {}\n", key.first,
                         key.second, count);
    }
  }
  out += "# HELP labd_connections_open Client connections open (idle, reading or in a request).\n";
  out += "# TYPE labd_connections_open gauge\n";
  out += fmt::format("labd_connections_open {}\n", connections_open_.load());
  out += "# HELP labd_watchers_open Watch streams currently open.\n";
  out += "# TYPE labd_watchers_open gauge\n";
  out += fmt::format("labd_watchers_open {}\n", watchers_open_.load());
  out += "# HELP labd_watches_total Watch streams opened since start.\n";
  out += "# TYPE labd_watches_total counter\n";
  out += fmt::format("labd_watches_total {}\n", watches_total_.load());
  out += "# HELP labd_watch_events_sent_total Watch events written to clients.\n";
  out += "# TYPE labd_watch_events_sent_total counter\n";
  out += fmt::format("labd_watch_events_sent_total {}\n", watch_events_sent_.load());
  out += "# HELP labd_store_revision Current store revision (latest resourceVersion).\n";
  out += "# TYPE labd_store_revision gauge\n";
  out += fmt::format("labd_store_revision {}\n", store_revision);
  out += "# HELP labd_store_compacted_revision Watches must resume after this revision.\n";
  out += "# TYPE labd_store_compacted_revision gauge\n";
  out += fmt::format("labd_store_compacted_revision {}\n", compacted_revision);
  return out;
}

}  // namespace labctl::server
