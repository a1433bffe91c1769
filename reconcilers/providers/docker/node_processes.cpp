#include "reconcilers/providers/docker/node_processes.h"

#include <signal.h>

#include <fstream>
#include <map>
#include <set>

#include "drivers/docker/host_processes.h"
#include "drivers/docker/naming.h"

namespace labctl::reconcilers {
namespace {

// Whether the process's environment holds labd's exec marker (docker::kExecMarkerEnv).
bool HasExecMarker(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string entry;
  while (std::getline(in, entry, '\0'))
    if (entry == docker::kExecMarkerEnv) return true;
  return false;
}

}  // namespace

api::Result<std::vector<int>> ExecStartedProcesses(int init_pid) {
  const std::string ns = docker::PidNamespaceOf(init_pid);
  if (ns.empty()) return api::Status::NotFound("no process " + std::to_string(init_pid));
  // A container sharing the host's PID namespace would make every host process a candidate.
  if (ns == docker::OwnPidNamespace())
    return api::Status::Conflict("the container shares the host's PID namespace");
  std::map<int, int> parent;  // the container's processes -> their parent
  for (int pid : docker::HostPids())
    if (docker::PidNamespaceOf(pid) == ns) parent[pid] = docker::ParentOf(pid);
  std::vector<int> out;
  for (const auto& [pid, _] : parent) {
    if (pid == init_pid) continue;
    bool from_init = false;
    std::set<int> seen;
    for (int p = parent[pid]; p > 0 && parent.count(p) && seen.insert(p).second; p = parent[p])
      if (p == init_pid) {
        from_init = true;
        break;
      }
    if (!from_init || HasExecMarker(pid)) out.push_back(pid);
  }
  return out;
}

api::Result<int> KillExecStartedProcesses(int init_pid) {
  auto pids = ExecStartedProcesses(init_pid);
  if (!pids.ok()) return pids.status();
  int killed = 0;
  for (int pid : *pids)
    if (::kill(pid, SIGKILL) == 0) ++killed;
  return killed;
}

}  // namespace labctl::reconcilers
