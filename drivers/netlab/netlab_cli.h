// NetlabCli: runs the real netlab CLI for one lab directory.
//
// Every command is an argv array (no shell): `netlab` (found on PATH, or an explicit path)
// started in the lab's directory under a timeout, its stdout and stderr captured for events and
// `labctl lab collect`. The process tree netlab starts (docker exec, ip netns exec...) is killed
// with it when the timeout expires (coreutils `timeout` runs it in its own process group).
// Commands mirror what `netlab up` runs on containerlab: `create -p clab` with a per-lab
// multilab id, `initial`, `status`, `validate`, and `inspect` for the node facts. A non-zero
// exit is data (NetlabRun::exit_code), not an error; only a netlab that cannot be started is.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "api/status.h"

namespace labctl::netlab {

struct NetlabOptions {
  std::string program = "netlab";  // a name looked up in PATH, or a path
  std::chrono::seconds timeout{600};
  // HOME for netlab (its ~/.netlab/status.yaml); empty: inherited.
  std::string home;
};

// One finished netlab command.
struct NetlabRun {
  std::vector<std::string> argv;  // netlab's own argv ("netlab", "create", ...)
  int exit_code = 0;
  bool timed_out = false;
  std::string out, err;
  std::chrono::milliseconds took{0};

  bool ok() const { return exit_code == 0 && !timed_out; }
  // "netlab initial: exit 1 after 3.2s: <last lines of output>" for events and conditions.
  std::string Summary(size_t max_lines = 20) const;
  // The last `max_lines` non-empty lines of stdout and stderr, one per line.
  std::string OutputTail(size_t max_lines) const;
};

// What `netlab inspect --format json nodes` prints, written by `netlab create` itself (its json
// output module, asked for with two settings): reading the node facts then costs no second
// netlab run (a second or two of Python start-up per lab).
inline constexpr char kNodesDumpFile[] = "netlab.nodes.json";

struct CreateOptions {
  std::string topology = "topology.yml";  // relative to the lab directory
  // multilab id (1..200): lab name ml-<id>, mgmt network nl_mgmt_<id>, subnet 192.168.<id>.0/24.
  std::optional<int> multilab_id;
  std::vector<std::string> settings;  // extra `-s key=value`
};

class NetlabCli {
 public:
  explicit NetlabCli(NetlabOptions options = {});

  // Runs `netlab <args...>` in `dir` under `timeout` (default: options.timeout). Fails only
  // when the program cannot be started (NotFound names it).
  api::Result<NetlabRun> Run(const std::string& dir, const std::vector<std::string>& args,
                             std::optional<std::chrono::seconds> timeout = std::nullopt) const;

  // `netlab version`: "26.03". Unavailable (naming the program) when netlab is missing.
  api::Result<std::string> Version() const;
  // `netlab create -p clab [--plugin multilab -s defaults.multilab.id=N] [-s ...] TOPOLOGY`,
  // which also writes kNodesDumpFile (an older one is removed first).
  api::Result<NetlabRun> Create(const std::string& dir, const CreateOptions& options) const;
  // `netlab initial [--limit a,b]`: every node, or only those of `limit`.
  api::Result<NetlabRun> Initial(const std::string& dir,
                                 const std::vector<std::string>& limit = {}) const;
  api::Result<NetlabRun> Status(const std::string& dir) const;
  api::Result<NetlabRun> Validate(const std::string& dir) const;
  // `netlab inspect --format json EXPR` parsed; Internal when netlab fails or prints no JSON.
  api::Result<std::string> InspectJson(const std::string& dir, const std::string& expr) const;

  const NetlabOptions& options() const { return options_; }

 private:
  NetlabOptions options_;
};

// Programs netlab runs on a containerlab lab that are not on PATH (sudo, ip, docker). netlab
// 26.03 reports a configuration script it could not start (no sudo) as a success, so a host
// without them must be flagged before `netlab initial` runs.
std::vector<std::string> MissingHostTools();

// argv for a multilab `netlab create` (exposed for tests and for logging).
std::vector<std::string> CreateArgs(const CreateOptions& options);

}  // namespace labctl::netlab
