#include "drivers/docker/docker_metrics.h"

#include <cctype>
#include <set>
#include <vector>

namespace labctl::docker {

std::string OperationOf(const std::string& method, const std::string& path) {
  std::string p = path.substr(0, path.find('?'));
  std::vector<std::string> segments;
  for (size_t start = 0; start <= p.size();) {
    size_t slash = p.find('/', start);
    if (slash == std::string::npos) slash = p.size();
    if (slash > start) segments.push_back(p.substr(start, slash - start));
    start = slash + 1;
  }
  if (!segments.empty() && segments[0].size() > 1 && segments[0][0] == 'v' &&
      std::isdigit(static_cast<unsigned char>(segments[0][1])))
    segments.erase(segments.begin());  // the API version prefix
  // The second segment names an object unless it is one of the collection's verbs.
  static const std::set<std::string> kVerbs = {"json", "create", "prune"};
  if (segments.size() >= 2 && !kVerbs.count(segments[1])) segments[1] = "{id}";
  std::string op = method + " ";
  for (const auto& s : segments) op += "/" + s;
  return segments.empty() ? op + "/" : op;
}

void RecordDockerCall(const std::string& operation, std::chrono::steady_clock::time_point start,
                      int code) {
  static auto& seconds = metrics::Default().Histogram(
      "labd_docker_request_duration_seconds",
      "Latency of Docker Engine API calls (streams excluded), by operation.", {"operation"},
      metrics::kFastSeconds);
  static auto& errors = metrics::Default().Counter(
      "labd_docker_request_errors_total",
      "Docker Engine API calls that failed, by operation and HTTP code (0: engine unreachable).",
      {"operation", "code"});
  seconds.With({operation}).ObserveSince(start);
  if (code == 0 || code >= 400) errors.With({operation, std::to_string(code)}).Inc();
}

void RecordEventStreamReconnect() {
  static auto& reconnects =
      metrics::Default()
          .Counter("labd_docker_event_stream_reconnects_total",
                   "Times the Docker event stream was re-opened after it broke.")
          .With();
  reconnects.Inc();
}

void RecordEngineUp(bool up) {
  static auto& gauge = metrics::Default()
                           .Gauge("labd_docker_engine_up",
                                  "1 while the Docker engine answers and its event stream is "
                                  "open, 0 while it is unreachable.")
                           .With();
  gauge.Set(up ? 1 : 0);
}

}  // namespace labctl::docker
