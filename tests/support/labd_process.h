// Test support: run the real labd binary on a temp data dir and a free loopback port, and the
// real labctl binary against it. Used by integration and e2e tests.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace labctl::testing {

// A fresh directory under /tmp (or $TMPDIR) named prefix-XXXXXX. Not removed automatically.
std::string MakeTempDir(const std::string& prefix);
// The whole content of a file; "" if it is missing.
std::string ReadFile(const std::string& path);
// Four hex digits naming this build directory (the start of the SHA-256 of its path, as
// tests/host_hygiene.sh computes it): Docker tests put it in their lab-name prefix and labd
// instance, so test runs of two checkouts sharing one dockerd neither collide nor sweep each
// other's labs, and the hygiene check knows which leftovers are this build's.
std::string CheckoutTag();
// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();
// Waits up to `timeout` for child `pid` to exit; true (reaped, its wait status in `status`) if
// it did or is no child of ours.
bool WaitExit(int pid, std::chrono::milliseconds timeout, int* status = nullptr);
// A number from /proc/PID/status, e.g. "VmRSS" or "VmHWM" (KiB) or "Threads"; -1 if absent.
long ProcStatus(int pid, const std::string& field);

class LabdProcess {
 public:
  struct Options {
    // Empty: a new temp dir, removed when this LabdProcess ends unless the test failed (then
    // kept for its labd.log, and its path printed). A given dir is the caller's.
    std::string data_dir;
    // e.g. {"--slots", "2"}. Without "--docker-host" labd runs no Lab controller (API and
    // sessions only), so only tests that pass the real engine (under the dockerd lock) touch
    // Docker.
    std::vector<std::string> extra_args;
    bool wait_ready = true;  // wait (up to 20 s) until /readyz answers 200
    // Runs labd through this command, e.g. {"prlimit", "--nofile=256:256", "--"} (it must exec
    // labd in its own process, so pid() stays labd's).
    std::vector<std::string> command_prefix;
    std::string binary;  // empty: this build's labd (benchmarks compare other builds)
  };
  LabdProcess();
  explicit LabdProcess(Options options);
  ~LabdProcess();  // SIGTERM, then SIGKILL after 10 s; removes the temp data dir it made
  LabdProcess(const LabdProcess&) = delete;
  LabdProcess& operator=(const LabdProcess&) = delete;

  void Kill9();      // SIGKILL and reap
  void Terminate();  // SIGTERM and reap; returns once the process is gone
  void Start();      // (re)start on the same data dir and port
  bool running() const { return pid_ > 0; }
  int pid() const { return pid_; }
  int port() const { return port_; }
  std::string url() const;  // http://127.0.0.1:PORT
  const std::string& data_dir() const { return options_.data_dir; }
  std::string log_path() const;  // labd's stderr goes here (data_dir/labd.log)

 private:
  void Stop();  // SIGTERM, then SIGKILL after 10 s

  Options options_;
  bool owns_data_dir_ = false;
  int port_ = 0;
  int pid_ = -1;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs labctl with LABCTL_SERVER=server and the given args; stdin fed from `input`.
CommandResult RunLabctl(const std::string& server, const std::vector<std::string>& args,
                        const std::string& input = "",
                        const std::map<std::string, std::string>& env = {});
// Runs any program (argv[0] resolved via PATH) the same way.
CommandResult RunProgram(const std::vector<std::string>& argv, const std::string& input = "",
                         const std::map<std::string, std::string>& env = {});

}  // namespace labctl::testing
