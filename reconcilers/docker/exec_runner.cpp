#include "reconcilers/docker/exec_runner.h"

#include <dirent.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

namespace labctl::docker {
namespace {

// Parent pid from /proc/PID/stat ("pid (comm) state ppid ..."; comm may hold spaces).
int ParentOf(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return -1;
  auto close = line.rfind(')');
  if (close == std::string::npos) return -1;
  char state = 0;
  int ppid = -1;
  if (sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) != 2) return -1;
  return ppid;
}

std::multimap<int, int> ChildrenByParent() {
  std::multimap<int, int> children;
  DIR* d = opendir("/proc");
  if (!d) return children;
  while (dirent* e = readdir(d)) {
    int pid = atoi(e->d_name);
    if (pid <= 0) continue;
    int ppid = ParentOf(pid);
    if (ppid > 0) children.emplace(ppid, pid);
  }
  closedir(d);
  return children;
}

void Collect(const std::multimap<int, int>& children, int pid, std::vector<int>& out) {
  out.push_back(pid);
  auto [lo, hi] = children.equal_range(pid);
  for (auto it = lo; it != hi; ++it) Collect(children, it->second, out);
}

}  // namespace

int KillProcessTree(int pid) {
  if (pid <= 0) return 0;
  ::kill(pid, SIGSTOP);  // no new children while we look
  std::vector<int> tree;
  Collect(ChildrenByParent(), pid, tree);
  int n = 0;
  for (auto it = tree.rbegin(); it != tree.rend(); ++it) n += ::kill(*it, SIGKILL) == 0;
  return n;
}

Result<ExecOutcome> RunExec(DockerEngine& engine, const std::string& container,
                            const std::vector<std::string>& cmd, const OutputCallback& output,
                            const ExecControl& control) {
  auto exec_id = engine.ExecCreate(container, cmd);
  if (!exec_id.ok()) return exec_id.status();
  std::mutex mu;
  std::condition_variable cv;
  bool finished = false, timed_out = false, cancelled = false;
  auto kill_it = [&] {
    auto info = engine.ExecInspect(*exec_id);
    if (info.ok() && info->running && info->pid > 0) {
      int n = KillProcessTree(info->pid);
      spdlog::info("exec killed container={} pid={} processes={} reason={}", container, info->pid,
                   n, timed_out ? "timeout" : "cancelled");
    }
  };
  std::thread watcher;
  if (control.timeout.count() > 0 || control.cancelled) {
    watcher = std::thread([&] {
      auto deadline = std::chrono::steady_clock::now() + control.timeout;
      std::unique_lock<std::mutex> l(mu);
      for (;;) {
        auto wait = control.cancelled ? control.poll : control.timeout;
        if (control.timeout.count() > 0)
          wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now()));
        if (cv.wait_for(l, std::max(wait, std::chrono::milliseconds(0)), [&] { return finished; }))
          return;
        if (control.timeout.count() > 0 && std::chrono::steady_clock::now() >= deadline) {
          timed_out = true;
          break;
        }
        l.unlock();
        bool gone = control.cancelled && control.cancelled();
        l.lock();
        if (finished) return;
        if (gone) {
          cancelled = true;
          break;
        }
      }
      l.unlock();
      kill_it();
    });
  }
  bool stopped_by_output = false;
  Status st = engine.ExecStart(*exec_id, [&](int stream, std::string_view d) {
    if (output && !output(stream, d)) {
      stopped_by_output = true;
      return false;
    }
    return true;
  });
  if (stopped_by_output) {
    {
      std::lock_guard<std::mutex> l(mu);
      cancelled = true;
    }
    kill_it();
  }
  {
    std::lock_guard<std::mutex> l(mu);
    finished = true;
  }
  cv.notify_all();
  if (watcher.joinable()) watcher.join();
  if (!st.ok() && !stopped_by_output) return st;
  ExecOutcome outcome;
  outcome.timed_out = timed_out;
  outcome.cancelled = cancelled;
  if (timed_out || cancelled) {
    outcome.exit_code = 137;
    return outcome;
  }
  auto info = engine.ExecInspect(*exec_id);
  if (!info.ok()) return info.status();
  outcome.exit_code = info->exit_code;
  return outcome;
}

}  // namespace labctl::docker
