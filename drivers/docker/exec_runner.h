// RunExec: runs a command in a container through a DockerEngine with the controls Docker lacks.
//
// Docker cannot stop an exec: once started it runs until its process exits. RunExec therefore
// watches it from a second thread and, when the timeout passes or `cancelled()` says so (the
// client went away), kills the process Docker reports in exec-inspect together with every
// descendant of it (a shell's children would otherwise keep the output stream open), by host
// pid. That needs labd to run as root on the Docker host, as docs/api.md (exec) says.
// Output is streamed to the callback as it arrives; the callback returning false cancels too.
// With ExecControl::on_stdin the command's stdin is attached (DockerEngine::ExecAttach) and
// handed to the caller to feed from another thread.
// Thread-safe as far as the engine is.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "drivers/docker/engine.h"

namespace labctl::docker {

struct ExecControl {
  std::chrono::milliseconds timeout{0};  // 0: no limit
  // Polled every `poll` while the command runs; returning true kills it.
  std::function<bool()> cancelled;
  std::chrono::milliseconds poll{500};
  // When set, stdin is attached: called once the command runs, before its output is read, with
  // the session to write stdin to from any thread. Once RunExec returns (or kills the command)
  // the session is aborted, so writes fail rather than block.
  std::function<void(const std::shared_ptr<ExecSession>&)> on_stdin;
};

struct ExecOutcome {
  int exit_code = -1;      // 137 when RunExec killed it
  bool timed_out = false;  // killed because the timeout passed
  bool cancelled = false;  // killed because cancelled() or the output callback said so
};

Result<ExecOutcome> RunExec(DockerEngine& engine, const std::string& container,
                            const std::vector<std::string>& cmd, const OutputCallback& output,
                            const ExecControl& control);

// An output callback that appends stdout to `out` and stderr to `err` (for buffered runs).
OutputCallback CollectOutput(std::string& out, std::string& err);

// The last non-empty line of a command's output (trailing newlines dropped), for messages.
std::string LastLine(const std::string& text);

// SIGKILLs `pid` and all its descendants (found through /proc). Returns how many were signalled.
// Does nothing when `pid` is in labd's own pid namespace (a reused pid, not a container process).
int KillProcessTree(int pid);

}  // namespace labctl::docker
