#include "controller/labd/labd_metrics.h"

#include <sys/stat.h>

#include <map>

#include "drivers/docker/docker_metrics.h"
#include "metrics/process_metrics.h"
#include "reconcilers/lab/lab_metrics.h"
#include "reconcilers/session/session_metrics.h"
#include "store/store_metrics.h"

namespace labctl::server {
namespace {

using api::json;

// Phases every gauge reports (0 included), so a phase that empties reads 0, not absent.
const std::vector<std::string> kLabPhases = {"Pending", "Provisioning", "Ready",      "Degraded",
                                             "Failed",  "Stopped",      "Terminating"};
const std::vector<std::string> kSessionPhases = {"Waiting", "Active",    "Released",
                                                 "Expired", "Cancelled", "Failed"};

std::string PhaseOf(const json& object, const std::string& unset) {
  const json status = object.value("status", json::object());
  std::string phase = status.is_object() ? status.value("phase", "") : "";
  return phase.empty() ? unset : phase;
}

void SetByPhase(metrics::GaugeFamily& family, const std::vector<std::string>& known,
                const std::map<std::string, double>& counts) {
  family.Clear();
  for (const auto& phase : known) family.With({phase}).Set(0);
  for (const auto& [phase, n] : counts) family.With({phase}).Set(n);
}

double FileSize(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 ? static_cast<double>(st.st_size) : 0;
}

}  // namespace

std::vector<metrics::CollectorHandle> AddLabdCollectors(const store::Store& store,
                                                        const std::string& data_dir) {
  // Every family from the start: alert rules see a series before its first event.
  store::StoreMetrics::Get();
  docker::RegisterDockerMetrics();
  reconcilers::RegisterLabMetrics();
  reconcilers::RegisterSessionMetrics();
  auto& r = metrics::Default();
  auto& labs = r.Gauge("labd_labs", "Labs by status.phase.", {"phase"});
  auto& sessions = r.Gauge("labd_sessions", "Sessions by status.phase.", {"phase"});
  auto& queue = r.Gauge("labd_session_queue_length", "Sessions Waiting for a slot.");
  auto& db = r.Gauge("labd_store_db_bytes", "Size of the store's database file (labd.db).");
  auto& wal = r.Gauge("labd_store_wal_bytes", "Size of the store's write-ahead log (labd.db-wal).");
  std::vector<metrics::CollectorHandle> handles;
  handles.push_back(metrics::AddProcessCollector(r));
  handles.push_back(r.AddCollector([&, data_dir] {
    std::map<std::string, double> by_phase;
    for (const auto& lab : store.List(api::Kind::kLab).items) ++by_phase[PhaseOf(lab, "Pending")];
    SetByPhase(labs, kLabPhases, by_phase);
    by_phase.clear();
    for (const auto& session : store.ListShared(api::Kind::kSession).items)
      ++by_phase[PhaseOf(*session, "Waiting")];
    queue.With().Set(by_phase["Waiting"]);
    SetByPhase(sessions, kSessionPhases, by_phase);
    db.With().Set(FileSize(data_dir + "/labd.db"));
    wal.With().Set(FileSize(data_dir + "/labd.db-wal"));
  }));
  return handles;
}

}  // namespace labctl::server
