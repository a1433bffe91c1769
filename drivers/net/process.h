// RunProcess: runs a host tool (iptables, tc) from an argv array and collects its output;
// StreamingProcess: one whose output is streamed while it runs (tcpdump).
//
// No shell is involved: arguments reach the program exactly as given, so names from a manifest
// cannot inject commands. The child inherits the calling thread's network namespace, so calling
// this inside Netns::Run() runs the tool in that namespace without nsenter. The program is
// looked up in PATH, then in /usr/sbin and /sbin (labd may run with a minimal PATH).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"

namespace labctl::net {

struct ProcessOutput {
  int exit_code = 0;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Fails only if the program could not be started; a non-zero exit is in exit_code.
api::Result<ProcessOutput> RunProcess(const std::vector<std::string>& argv,
                                      const std::string& stdin_data = "");
// Like RunProcess, but a non-zero exit becomes an Internal status quoting argv and stderr.
api::Result<ProcessOutput> RunChecked(const std::vector<std::string>& argv,
                                      const std::string& stdin_data = "");

// A running process whose stdout is consumed as it arrives (tcpdump -w -): started from an
// argv array (no shell) in the calling thread's network namespace, stdin from /dev/null. The
// handle may then be used from any one thread. Destruction terminates and reaps the process.
class StreamingProcess {
 public:
  static api::Result<std::unique_ptr<StreamingProcess>> Start(const std::vector<std::string>& argv);
  ~StreamingProcess();
  StreamingProcess(const StreamingProcess&) = delete;
  StreamingProcess& operator=(const StreamingProcess&) = delete;

  // Waits until stderr contains `marker` (true), or the process exited or `timeout` passed
  // (false). Stdout is not read meanwhile (the pipe buffers it).
  bool WaitForStderr(const std::string& marker, std::chrono::milliseconds timeout);
  // Hands stdout to `sink` until EOF, until `sink` returns false, or until `deadline` (then the
  // process gets SIGTERM and what it still writes is delivered). Returns the exit code.
  int Pump(const std::function<bool(std::string_view)>& sink,
           std::optional<std::chrono::steady_clock::time_point> deadline);
  bool exited();  // reaps if it has exited
  int exit_code() const { return exit_code_; }
  const std::string& err() const { return err_; }
  int pid() const { return pid_; }

 private:
  StreamingProcess() = default;
  void DrainStderr();
  int Reap(bool block);
  int pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  int exit_code_ = -1;
  std::string err_;
};

}  // namespace labctl::net
