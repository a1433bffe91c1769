// FakeEngine: an in-memory DockerEngine for fast reconciler tests (no dockerd).
//
// Keeps networks and containers in maps, honours label filters, static addresses and the
// "created on one network, connect the rest before start" rule, refuses missing images (those
// not in `images`, when that set is non-empty) and --privileged (like this host). Exec runs a
// test-provided handler; exec with stdin (ExecAttach) another one, `cat` by default. Counts calls
// so tests can check that an idle reconcile does nothing. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <set>

#include "drivers/docker/engine.h"
#include "tests/support/fake_docker/fake_exec.h"

namespace labctl::docker {

class FakeEngine : public DockerEngine {
 public:
  struct Container {
    ContainerSpec spec;
    ContainerInfo info;
    std::vector<EndpointSpec> endpoints;
    std::string logs;
  };
  // Decides an exec's outcome: (container name, cmd) -> result.
  using ExecHandler =
      std::function<ExecResult(const std::string& container, const std::vector<std::string>&)>;

  FakeEngine();

  // --- test controls ---
  void SetImages(std::set<std::string> images);  // empty: every image exists
  void SetExecHandler(ExecHandler handler);
  void SetAttachedExecHandler(AttachedExecHandler handler);
  void SetRefusePrivileged(bool refuse);
  void SetUnavailable(bool unavailable);  // every call fails with Unavailable
  // Every start of this container (as it is now) fails like one that dockerd was shut down
  // under: containerd still holds its task.
  void Wedge(const std::string& name);
  // Out-of-band changes, as a user with the docker CLI would make them (emit events too).
  void KillByName(const std::string& name);
  void RemoveByName(const std::string& name);
  void DisconnectByName(const std::string& container, const std::string& network);
  void EmitEvent(const EngineEvent& e);
  // Snapshots.
  std::vector<std::string> ContainerNames();  // sorted
  std::vector<std::string> NetworkNames();    // sorted
  std::optional<Container> FindContainer(const std::string& name);
  // Names of containers in the order they were started (every start, restarts included).
  std::vector<std::string> StartOrder();
  int calls() const { return calls_.load(); }
  int mutating_calls() const { return mutating_calls_.load(); }

  // --- DockerEngine ---
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
  struct Network {
    NetworkSpec spec;
    std::string id;
  };
  Status Enter(bool mutating);
  Container* Lookup(const std::string& id_or_name);  // mu_ held
  Network* LookupNetwork(const std::string& id_or_name);
  void Emit(const EngineEvent& e);  // mu_ held

  std::mutex mu_;
  std::condition_variable events_cv_;
  std::map<std::string, Container> containers_;  // by id
  std::map<std::string, Network> networks_;      // by id
  std::map<std::string, std::pair<std::string, std::vector<std::string>>> execs_;
  std::map<std::string, ExecResult> exec_results_;
  std::deque<EngineEvent> events_;
  std::set<std::string> images_;
  std::set<std::string> wedged_;  // container ids
  ExecHandler exec_handler_;
  AttachedExecHandler attached_exec_handler_ = FakeCat;
  std::set<std::string> attached_execs_;  // they report pid 0: there is no process to kill
  std::vector<std::string> start_order_;
  bool refuse_privileged_ = true;
  bool unavailable_ = false;
  bool events_stopped_ = false;
  int next_id_ = 1;
  int next_pid_ = 1000;
  std::atomic<int> calls_{0};
  std::atomic<int> mutating_calls_{0};
};

}  // namespace labctl::docker
