// DockerEngine: the seam between labd and the Docker Engine API.
//
// Everything labd does to Docker goes through this interface: networks, containers, logs, exec
// and the /events stream. HttpEngine (http_engine.h) talks to a real dockerd over its unix
// socket; FakeEngine (tests/support/fake_docker, test-only) keeps state in memory for unit tests.
// Every call returns an api::Status/Result; engine errors carry Docker's own message (a missing
// image says it must be built or loaded locally, since nothing is pulled).
// Implementations are thread-safe: the reconciler calls them from parallel workers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/status.h"

namespace labctl::docker {

using api::Result;
using api::Status;
using LabelMap = std::map<std::string, std::string>;

struct VersionInfo {
  std::string version;      // "20.10.24+dfsg1"
  std::string api_version;  // the server's ApiVersion, "1.41"
  std::string used_api;     // the version this client speaks, min(server, 1.41)
};

struct NetworkSpec {
  std::string name;
  std::string subnet;       // IPv4 CIDR
  std::string gateway;      // empty: Docker picks the first address
  std::string ipv6_subnet;  // empty: no IPv6
  LabelMap labels;
  LabelMap options;  // driver options, e.g. com.docker.network.bridge.enable_ip_masquerade
  std::string ipv6_gateway = {};  // empty: Docker picks the first address
  // The ranges Docker's IPAM hands addresses out of (inside the subnets); empty: the subnets.
  std::string ipv4_range = {}, ipv6_range = {};
};

struct NetworkInfo {
  std::string id;
  std::string name;
  LabelMap labels;
  std::vector<std::string> subnets;
  std::vector<std::string> container_ids;  // only filled by InspectNetwork
};

// Where a container attaches: network name plus optional static addresses.
struct EndpointSpec {
  std::string network;
  std::string ipv4;
  std::string ipv6;
};

// A published port: host_ip:host_port -> container_port/protocol (`docker run -p`).
struct PortBinding {
  std::string host_ip;    // empty: every address
  std::string host_port;  // empty: Docker picks a free one
  int container_port = 0;
  std::string protocol = "tcp";  // tcp | udp | sctp
  bool operator==(const PortBinding&) const = default;
};

struct ContainerSpec {
  std::string name;
  std::string image;
  std::vector<std::string> cmd;         // empty: the image's CMD
  std::vector<std::string> entrypoint;  // empty: the image's ENTRYPOINT
  std::string user;                     // empty: the image's USER
  LabelMap env;
  std::vector<std::string> cap_add;
  LabelMap sysctls;
  bool privileged = false;
  // No masked or read-only system paths (`docker run --security-opt systempaths=unconfined`,
  // which the docker CLI turns into empty HostConfig.MaskedPaths and ReadonlyPaths): a writable
  // /proc/sys for routers that set sysctls at run time, short of --privileged, which this kind
  // of host may refuse.
  bool unconfined_system_paths = false;
  std::vector<std::string> binds;
  // Resource limits; 0 / empty: none.
  int64_t memory_bytes = 0;
  int64_t nano_cpus = 0;  // CPUs x 10^9
  std::string cpuset_cpus;
  LabelMap labels;
  std::optional<EndpointSpec> network;  // the first network; connect the rest before start
  // Docker's network mode when the container is on no network of its own: "host", "none" or
  // "container:<name>" (`network` is then unset); empty: `network`'s, or none without one.
  std::string network_mode = {};
  std::vector<PortBinding> ports = {};  // published ports (HostConfig.PortBindings)
  std::string restart_policy = {};      // HostConfig.RestartPolicy.Name; empty: Docker's ("no")
};

struct ContainerSummary {
  std::string id;
  std::string name;   // without the leading '/'
  std::string state;  // created | running | exited | paused | restarting | removing | dead
  LabelMap labels;
  std::vector<std::string> networks;  // names of the attached networks
};

struct EndpointInfo {
  std::string network;
  std::string ipv4;
  std::string ipv6;
  std::string mac;
};

struct ContainerInfo {
  std::string id;
  std::string name;
  std::string image;
  std::string state;
  bool running = false;
  int pid = 0;
  int exit_code = 0;
  std::string started_at;  // Docker's RFC 3339 timestamp; changes on every start
  std::string error;       // State.Error
  LabelMap labels;
  std::vector<EndpointInfo> endpoints;
  std::string raw_json;  // the engine's whole inspect document (collect/inspect); may be empty
};

struct ExecResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

struct ExecInfo {
  bool running = false;
  int exit_code = -1;
  int pid = 0;
};

// One /events message: type "container" | "network", action "die", "start", "destroy", ...
// `attributes` holds the actor's attributes (labels of containers, name, and for network
// events the container id).
struct EngineEvent {
  std::string type;
  std::string action;
  std::string id;
  LabelMap attributes;
};

// Which stream a demuxed chunk came from: 1 stdout, 2 stderr.
using OutputCallback = std::function<bool(int stream, std::string_view data)>;
using EventCallback = std::function<bool(const EngineEvent& event)>;

// A running exec with its stdin attached (ExecAttach): a two-way byte stream to the process.
// ReadOutput runs on one thread while WriteStdin/CloseStdin/Abort are called from others.
class ExecSession {
 public:
  virtual ~ExecSession() = default;
  // The exec's id, for ExecInspect.
  virtual const std::string& id() const = 0;
  // Hands the process's output to `callback` until it ends (OK), the callback returns false
  // (OK) or the connection fails (Unavailable). Call once.
  virtual Status ReadOutput(const OutputCallback& callback) = 0;
  // Writes to the process's stdin; blocks while the process does not read. Unavailable once the
  // exec has ended or Abort() was called.
  virtual Status WriteStdin(std::string_view data) = 0;
  // The process sees EOF on its stdin (a half-close: output keeps flowing).
  virtual Status CloseStdin() = 0;
  // Ends the session at once: ReadOutput returns, blocked and later writes fail. The process is
  // not killed by this (Docker cannot kill an exec; see exec_runner.h).
  virtual void Abort() = 0;
};

class DockerEngine {
 public:
  virtual ~DockerEngine() = default;

  virtual Result<VersionInfo> Version() = 0;

  // Networks whose labels include every pair of `labels` (value "" matches any value).
  virtual Result<std::vector<NetworkInfo>> ListNetworks(const LabelMap& labels) = 0;
  virtual Result<std::string> CreateNetwork(const NetworkSpec& spec) = 0;  // returns the id
  virtual Status RemoveNetwork(const std::string& id_or_name) = 0;         // NotFound if gone
  virtual Result<NetworkInfo> InspectNetwork(const std::string& id_or_name) = 0;

  // All containers (running or not) whose labels include every pair of `labels`.
  virtual Result<std::vector<ContainerSummary>> ListContainers(const LabelMap& labels) = 0;
  virtual Result<std::string> CreateContainer(const ContainerSpec& spec) = 0;  // returns the id
  virtual Status ConnectNetwork(const std::string& container, const EndpointSpec& endpoint) = 0;
  virtual Status StartContainer(const std::string& id) = 0;
  virtual Status StopContainer(const std::string& id, int timeout_seconds) = 0;
  virtual Status KillContainer(const std::string& id) = 0;
  virtual Status RemoveContainer(const std::string& id, bool force) = 0;  // NotFound if gone
  virtual Result<ContainerInfo> InspectContainer(const std::string& id) = 0;

  // The last `tail` lines (tail < 0: all) of stdout and stderr, interleaved as written.
  virtual Result<std::string> Logs(const std::string& id, int tail) = 0;
  // Streams logs (and, with follow, new output until the callback returns false or the
  // container stops).
  virtual Status StreamLogs(const std::string& id, int tail, bool follow,
                            const OutputCallback& callback) = 0;

  // Runs `cmd` in the container and returns its exit code and output: ExecCreate, ExecStart
  // and ExecInspect in a row (exec_runner.cpp).
  Result<ExecResult> Exec(const std::string& id, const std::vector<std::string>& cmd);
  // The lower-level pieces, for streaming exec and killing a process Docker cannot kill.
  virtual Result<std::string> ExecCreate(const std::string& id,
                                         const std::vector<std::string>& cmd) = 0;
  virtual Status ExecStart(const std::string& exec_id, const OutputCallback& callback) = 0;
  virtual Result<ExecInfo> ExecInspect(const std::string& exec_id) = 0;
  // Creates and starts an exec of `cmd` with stdin, stdout and stderr attached (no TTY).
  virtual Result<std::unique_ptr<ExecSession>> ExecAttach(const std::string& id,
                                                          const std::vector<std::string>& cmd) = 0;

  // Streams /events matching `labels` (container and network events) until the callback
  // returns false, StopEvents() is called (returns OK) or the connection fails (Unavailable).
  virtual Status StreamEvents(const LabelMap& labels, const EventCallback& callback) = 0;
  // Thread-safe: ends a running StreamEvents and makes later calls return OK at once.
  virtual void StopEvents() = 0;
};

// The message for a missing image; one spelling for every engine.
inline std::string ImageNotFoundMessage(const std::string& image) {
  return "image \"" + image + "\" not found: build or load it locally (nothing is pulled)";
}

}  // namespace labctl::docker
