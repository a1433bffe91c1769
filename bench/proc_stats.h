// Helpers the benchmarks share: a process's memory and thread count from /proc, file sizes and
// percentiles. Header-only and light (no HTTP), so every benchmark can include it.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace labctl::bench {

// A numeric field of /proc/PID/status ("VmRSS", "VmHWM" in kB, "Threads"); -1 if unreadable.
inline long ProcStatus(pid_t pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  return -1;
}

inline long RssKb(pid_t pid) { return ProcStatus(pid, "VmRSS"); }

// Size of a file in bytes, 0 if it does not exist.
inline uintmax_t FileBytes(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : size;
}

inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

}  // namespace labctl::bench
