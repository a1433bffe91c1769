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

namespace {

struct DockerFamilies {
  static DockerFamilies& Get() {
    static DockerFamilies* f = new DockerFamilies{
        metrics::Default().Histogram(
            "labd_docker_request_duration_seconds",
            "Latency of Docker Engine API calls (streams excluded), by operation.", {"operation"},
            metrics::kFastSeconds),
        metrics::Default().Counter("labd_docker_request_errors_total",
                                   "Docker Engine API calls that failed, by operation and HTTP "
                                   "code (0: engine unreachable).",
                                   {"operation", "code"}),
        metrics::Default()
            .Counter("labd_docker_event_stream_reconnects_total",
                     "Times the Docker event stream was re-opened after it broke.")
            .With(),
        metrics::Default().Gauge("labd_docker_engine_up",
                                 "1 while the Docker engine answers and its event stream is "
                                 "open, 0 while it is unreachable."),
    };
    return *f;
  }
  metrics::HistogramFamily& seconds;
  metrics::CounterFamily& errors;
  metrics::Counter& reconnects;
  metrics::GaugeFamily& up;
};

}  // namespace

void RegisterDockerMetrics() { DockerFamilies::Get(); }

void RecordDockerCall(const std::string& operation, std::chrono::steady_clock::time_point start,
                      int code) {
  auto& f = DockerFamilies::Get();
  f.seconds.With({operation}).ObserveSince(start);
  if (code == 0 || code >= 400) f.errors.With({operation, std::to_string(code)}).Inc();
}

void RecordEventStreamReconnect() { DockerFamilies::Get().reconnects.Inc(); }

// The gauge has no value until the event watcher first asks, so a labd without Docker shows
// none rather than a 0 that would page someone.
void RecordEngineUp(bool up) { DockerFamilies::Get().up.With().Set(up ? 1 : 0); }

}  // namespace labctl::docker
