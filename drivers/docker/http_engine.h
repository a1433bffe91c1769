// HttpEngine: DockerEngine over the Docker Engine HTTP API (cpp-httplib) on a unix socket or, for
// a remote engine (a Host's spec.endpoint, docs/hosts.md), TCP with optional TLS client
// certificates as `docker --tlsverify` uses them.
//
// The address comes from Options::docker_host, else DOCKER_HOST, else /var/run/docker.sock
// ("unix:///path" or "tcp://host:port"). An exec with stdin (ExecAttach) needs a unix socket. The
// API version is negotiated on first use from /version: min(server ApiVersion, 1.41) becomes the
// /v1.xx prefix of every call. Ordinary calls share a pool of keep-alive connections (one per
// concurrent caller); streams (events, logs -f, exec) use their own connection; an exec with stdin
// uses a hijacked one (hijacked_exec.h). Thread-safe. Construction does no I/O.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "drivers/docker/engine.h"

namespace labctl::docker {

// TLS to a tcp:// engine: file paths of the CA, the client certificate and its key.
struct EngineTls {
  std::string ca;
  std::string cert;
  std::string key;
};

struct HttpEngineOptions {
  std::string docker_host;   // "unix:///var/run/docker.sock", "tcp://10.0.0.2:2376"; empty: default
  int timeout_seconds = 60;  // connect/read/write timeout of ordinary calls
  std::optional<EngineTls> tls;  // tcp:// only
};

// Where an engine listens: a unix socket path, or a TCP host and port.
struct EngineAddress {
  std::string socket;  // unix
  std::string host;    // tcp
  int port = 0;
  std::string ToString() const;
};

// The address of a docker host URL ("" -> $DOCKER_HOST -> unix:///var/run/docker.sock).
Result<EngineAddress> ParseDockerHost(const std::string& docker_host);

class HttpEngine : public DockerEngine {
 public:
  explicit HttpEngine(HttpEngineOptions options = {});
  ~HttpEngine() override;
  HttpEngine(const HttpEngine&) = delete;
  HttpEngine& operator=(const HttpEngine&) = delete;

  Result<VersionInfo> Version() override;
  Result<std::vector<NetworkInfo>> ListNetworks(const LabelMap& labels) override;
  Result<std::string> CreateNetwork(const NetworkSpec& spec) override;
  Status RemoveNetwork(const std::string& id_or_name) override;
  Result<NetworkInfo> InspectNetwork(const std::string& id_or_name) override;
  Result<std::vector<ContainerSummary>> ListContainers(const LabelMap& labels) override;
  Result<std::string> CreateContainer(const ContainerSpec& spec) override;
  Status ConnectNetwork(const std::string& container, const EndpointSpec& endpoint) override;
  Status StartContainer(const std::string& id) override;
  Status StopContainer(const std::string& id, int timeout_seconds) override;
  Status KillContainer(const std::string& id) override;
  Status RemoveContainer(const std::string& id, bool force) override;
  Result<ContainerInfo> InspectContainer(const std::string& id) override;
  Result<std::string> Logs(const std::string& id, int tail) override;
  Status StreamLogs(const std::string& id, int tail, bool follow,
                    const OutputCallback& callback) override;
  Result<std::string> ExecCreate(const std::string& id,
                                 const std::vector<std::string>& cmd) override;
  Status ExecStart(const std::string& exec_id, const OutputCallback& callback) override;
  Result<ExecInfo> ExecInspect(const std::string& exec_id) override;
  Result<std::unique_ptr<ExecSession>> ExecAttach(const std::string& id,
                                                  const std::vector<std::string>& cmd) override;
  Status StreamEvents(const LabelMap& labels, const EventCallback& callback) override;
  void StopEvents() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace labctl::docker
