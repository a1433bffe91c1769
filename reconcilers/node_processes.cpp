#include "reconcilers/node_processes.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "reconcilers/docker/naming.h"

namespace labctl::reconcilers {
namespace {

// The inode of /proc/PID/ns/pid (0 if the process is gone or unreadable).
ino_t PidNamespace(int pid) {
  struct stat st {};
  if (::stat(("/proc/" + std::to_string(pid) + "/ns/pid").c_str(), &st) != 0) return 0;
  return st.st_ino;
}

// Field 4 of /proc/PID/stat; the command name (field 2) may contain spaces and parentheses.
int ParentOf(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  char state = 0;
  int ppid = 0;
  if (std::sscanf(text.c_str() + close + 1, " %c %d", &state, &ppid) != 2) return 0;
  return ppid;
}

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
  const ino_t ns = PidNamespace(init_pid);
  if (ns == 0) return api::Status::NotFound("no process " + std::to_string(init_pid));
  // A container sharing the host's PID namespace would make every host process a candidate.
  if (ns == PidNamespace(::getpid()))
    return api::Status::Conflict("the container shares the host's PID namespace");
  std::map<int, int> parent;  // the container's processes -> their parent
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    int pid = std::stoi(name);
    if (PidNamespace(pid) == ns) parent[pid] = ParentOf(pid);
  }
  if (ec) return api::Status::Internal("list /proc: " + ec.message());
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
