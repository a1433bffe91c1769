#include "metrics/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace labctl::metrics {
namespace {

struct ProcStat {
  double start_seconds = 0;  // since boot
  double virtual_bytes = 0;
  double resident_bytes = 0;
  double threads = 0;
};

// /proc/self/stat: the fields after the command name (which may hold spaces) are positional.
bool ReadProcStat(ProcStat* out) {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  size_t close = line.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(line.substr(close + 2));
  std::vector<std::string> f;
  for (std::string field; fields >> field;) f.push_back(field);
  // f[0] is field 3 (state): threads are field 20, starttime 22, vsize 23, rss 24 (pages).
  if (f.size() < 22) return false;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  try {
    out->threads = std::stod(f[17]);
    out->start_seconds = std::stod(f[19]) / ticks;
    out->virtual_bytes = std::stod(f[20]);
    out->resident_bytes = std::stod(f[21]) * static_cast<double>(sysconf(_SC_PAGESIZE));
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

double BootTime() {
  std::ifstream in("/proc/stat");
  for (std::string key; in >> key;) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

double OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return 0;
  double n = 0;
  while (dirent* e = readdir(dir))
    if (e->d_name[0] != '.') ++n;
  closedir(dir);
  return n - 1;  // the directory stream's own descriptor
}

}  // namespace

CollectorHandle AddProcessCollector(Registry& registry) {
  auto& rss = registry.Gauge("process_resident_memory_bytes", "Resident memory size in bytes.");
  auto& vsize = registry.Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.");
  auto& threads = registry.Gauge("process_threads", "Threads of the process.");
  auto& fds = registry.Gauge("process_open_fds", "Open file descriptors.");
  auto& max_fds = registry.Gauge("process_max_fds", "Maximum number of open file descriptors.");
  auto& start = registry.Gauge("process_start_time_seconds",
                               "Start time of the process since the Unix epoch in seconds.");
  const double boot = BootTime();
  return registry.AddCollector([&, boot] {
    ProcStat stat;
    if (ReadProcStat(&stat)) {
      rss.With().Set(stat.resident_bytes);
      vsize.With().Set(stat.virtual_bytes);
      threads.With().Set(stat.threads);
      start.With().Set(boot + stat.start_seconds);
    }
    fds.With().Set(OpenFds());
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
      max_fds.With().Set(static_cast<double>(limit.rlim_cur));
  });
}

}  // namespace labctl::metrics
