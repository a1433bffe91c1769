#include "drivers/docker/exec_runner.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "drivers/docker/host_processes.h"

namespace labctl::docker {
namespace {

// `pid` and its descendants, parents first.
void Collect(const std::multimap<int, int>& children, int pid, std::vector<int>& out) {
  out.push_back(pid);
  auto [lo, hi] = children.equal_range(pid);
  for (auto it = lo; it != hi; ++it) Collect(children, it->second, out);
}

}  // namespace

OutputCallback CollectOutput(std::string& out, std::string& err) {
  return [&out, &err](int stream, std::string_view d) {
    (stream == 2 ? err : out).append(d);
    return true;
  };
}

Result<ExecResult> DockerEngine::Exec(const std::string& id, const std::vector<std::string>& cmd) {
  auto exec_id = ExecCreate(id, cmd);
  if (!exec_id.ok()) return exec_id.status();
  ExecResult r;
  LABCTL_RETURN_IF_ERROR(ExecStart(*exec_id, CollectOutput(r.out, r.err)));
  auto info = ExecInspect(*exec_id);
  if (!info.ok()) return info.status();
  r.exit_code = info->exit_code;
  return r;
}

std::string LastLine(const std::string& text) {
  std::string t = text;
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  auto nl = t.rfind('\n');
  return nl == std::string::npos ? t : t.substr(nl + 1);
}

int KillProcessTree(int pid) {
  if (pid <= 0) return 0;
  // An exec runs in its container's pid namespace. A pid in labd's own namespace is not one (the
  // exec ended and the pid was reused by a host process, e.g. dockerd): never signal it.
  const std::string ns = PidNamespaceOf(pid);
  if (ns.empty() || ns == OwnPidNamespace()) {
    spdlog::warn("exec kill skipped pid={}: not in a container's pid namespace", pid);
    return 0;
  }
  ::kill(pid, SIGSTOP);  // no new children while we look
  std::multimap<int, int> children;
  for (const auto& [child, parent] : ParentsByPid()) children.emplace(parent, child);
  std::vector<int> tree;
  Collect(children, pid, tree);
  int n = 0;
  for (auto it = tree.rbegin(); it != tree.rend(); ++it) n += ::kill(*it, SIGKILL) == 0;
  return n;
}

namespace {

// One run of RunExec: the command, the watcher thread that kills it, and how it ended.
class ExecRun {
 public:
  ExecRun(DockerEngine& engine, const std::string& container, const ExecControl& control)
      : engine_(engine), container_(container), control_(control) {}

  // Creates the exec (and, with stdin, starts it on its two-way connection).
  Status Create(const std::vector<std::string>& cmd) {
    if (!control_.on_stdin) {
      auto id = engine_.ExecCreate(container_, cmd);
      if (!id.ok()) return id.status();
      exec_id_ = *id;
      return Status::Ok();
    }
    auto session = engine_.ExecAttach(container_, cmd);
    if (!session.ok()) return session.status();
    session_ = std::move(*session);
    exec_id_ = session_->id();
    return Status::Ok();
  }

  Result<ExecOutcome> Run(const OutputCallback& output) {
    std::thread watcher;
    if (control_.timeout.count() > 0 || control_.cancelled) watcher = std::thread([&] { Watch(); });
    bool stopped_by_output = false;
    auto forward = [&](int stream, std::string_view d) {
      stopped_by_output = output && !output(stream, d);
      return !stopped_by_output;
    };
    if (session_) control_.on_stdin(session_);
    Status st = session_ ? session_->ReadOutput(forward) : engine_.ExecStart(exec_id_, forward);
    if (stopped_by_output) Kill(&cancelled_);
    {
      std::lock_guard<std::mutex> l(mu_);
      finished_ = true;
    }
    cv_.notify_all();
    if (watcher.joinable()) watcher.join();
    if (session_) session_->Abort();  // a stdin writer still blocked learns that it is over
    if (!st.ok() && !stopped_by_output) return st;
    return Outcome();
  }

 private:
  // Waits for the timeout or polls cancelled(); kills the command when either fires first.
  void Watch() {
    auto deadline = std::chrono::steady_clock::now() + control_.timeout;
    std::unique_lock<std::mutex> l(mu_);
    for (;;) {
      auto wait = control_.cancelled ? control_.poll : control_.timeout;
      if (control_.timeout.count() > 0)
        wait = std::min(wait, std::chrono::duration_cast<std::chrono::milliseconds>(
                                  deadline - std::chrono::steady_clock::now()));
      if (cv_.wait_for(l, std::max(wait, std::chrono::milliseconds(0)), [&] { return finished_; }))
        return;
      if (control_.timeout.count() > 0 && std::chrono::steady_clock::now() >= deadline) break;
      l.unlock();
      bool gone = control_.cancelled && control_.cancelled();
      l.lock();
      if (finished_) return;
      if (gone) {
        l.unlock();
        return Kill(&cancelled_);
      }
    }
    l.unlock();
    Kill(&timed_out_);
  }

  // Records why, then kills the process exec-inspect reports and its descendants.
  void Kill(bool* reason) {
    {
      std::lock_guard<std::mutex> l(mu_);
      *reason = true;
    }
    auto info = engine_.ExecInspect(exec_id_);
    if (info.ok() && info->running && info->pid > 0) {
      int n = KillProcessTree(info->pid);
      spdlog::info("exec killed container={} pid={} processes={} reason={}", container_, info->pid,
                   n, reason == &timed_out_ ? "timeout" : "cancelled");
    }
    if (session_) session_->Abort();
  }

  Result<ExecOutcome> Outcome() {
    ExecOutcome outcome;
    outcome.timed_out = timed_out_;
    outcome.cancelled = cancelled_;
    if (timed_out_ || cancelled_) {
      outcome.exit_code = 137;
      return outcome;
    }
    auto info = engine_.ExecInspect(exec_id_);
    if (!info.ok()) return info.status();
    outcome.exit_code = info->exit_code;
    return outcome;
  }

  DockerEngine& engine_;
  const std::string& container_;
  const ExecControl& control_;
  std::string exec_id_;
  std::shared_ptr<ExecSession> session_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool finished_ = false, timed_out_ = false, cancelled_ = false;
};

}  // namespace

Result<ExecOutcome> RunExec(DockerEngine& engine, const std::string& container,
                            const std::vector<std::string>& cmd, const OutputCallback& output,
                            const ExecControl& control) {
  ExecRun run(engine, container, control);
  LABCTL_RETURN_IF_ERROR(run.Create(cmd));
  return run.Run(output);
}

}  // namespace labctl::docker
