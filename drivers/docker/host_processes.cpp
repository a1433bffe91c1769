#include "drivers/docker/host_processes.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace labctl::docker {
namespace {

std::string NamespaceLink(const std::string& proc_entry) {
  char buf[64];
  ssize_t n = ::readlink(("/proc/" + proc_entry + "/ns/pid").c_str(), buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace

std::vector<int> HostPids() {
  std::vector<int> pids;
  DIR* d = ::opendir("/proc");
  if (!d) return pids;
  while (dirent* e = ::readdir(d)) {
    int pid = std::atoi(e->d_name);
    if (pid > 0) pids.push_back(pid);
  }
  ::closedir(d);
  std::sort(pids.begin(), pids.end());
  return pids;
}

int ParentOf(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  auto close = line.rfind(')');  // the command name (field 2) may hold spaces and parentheses
  if (close == std::string::npos) return 0;
  char state = 0;
  int ppid = 0;
  if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) != 2) return 0;
  return ppid;
}

std::map<int, int> ParentsByPid() {
  std::map<int, int> parents;
  for (int pid : HostPids())
    if (int ppid = ParentOf(pid); ppid > 0) parents[pid] = ppid;
  return parents;
}

std::string PidNamespaceOf(int pid) { return NamespaceLink(std::to_string(pid)); }

std::string OwnPidNamespace() { return NamespaceLink("self"); }

}  // namespace labctl::docker
