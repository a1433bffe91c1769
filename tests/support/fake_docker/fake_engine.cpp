#include "tests/support/fake_docker/fake_engine.h"

#include <algorithm>

namespace labctl::docker {
namespace {

bool Matches(const LabelMap& have, const LabelMap& want) {
  for (const auto& [k, v] : want) {
    auto it = have.find(k);
    if (it == have.end() || (!v.empty() && it->second != v)) return false;
  }
  return true;
}

}  // namespace

FakeEngine::FakeEngine() {
  exec_handler_ = [](const std::string&, const std::vector<std::string>&) {
    return ExecResult{0, "", ""};
  };
}

void FakeEngine::SetImages(std::set<std::string> images) {
  std::lock_guard<std::mutex> l(mu_);
  images_ = std::move(images);
}
void FakeEngine::SetExecHandler(ExecHandler handler) {
  std::lock_guard<std::mutex> l(mu_);
  exec_handler_ = std::move(handler);
}
void FakeEngine::SetAttachedExecHandler(AttachedExecHandler handler) {
  std::lock_guard<std::mutex> l(mu_);
  attached_exec_handler_ = std::move(handler);
}
void FakeEngine::SetRefusePrivileged(bool refuse) {
  std::lock_guard<std::mutex> l(mu_);
  refuse_privileged_ = refuse;
}
void FakeEngine::SetUnavailable(bool unavailable) {
  std::lock_guard<std::mutex> l(mu_);
  unavailable_ = unavailable;
  events_cv_.notify_all();
}

Status FakeEngine::Enter(bool mutating) {
  ++calls_;
  if (mutating) ++mutating_calls_;
  std::lock_guard<std::mutex> l(mu_);
  if (unavailable_) return Status::Unavailable("cannot reach docker engine (fake)");
  return Status::Ok();
}

FakeEngine::Container* FakeEngine::Lookup(const std::string& id_or_name) {
  for (auto& [id, c] : containers_)
    if (id == id_or_name || c.info.name == id_or_name) return &c;
  return nullptr;
}

FakeEngine::Network* FakeEngine::LookupNetwork(const std::string& id_or_name) {
  for (auto& [id, n] : networks_)
    if (id == id_or_name || n.spec.name == id_or_name) return &n;
  return nullptr;
}

void FakeEngine::Emit(const EngineEvent& e) {
  events_.push_back(e);
  events_cv_.notify_all();
}

void FakeEngine::EmitEvent(const EngineEvent& e) {
  std::lock_guard<std::mutex> l(mu_);
  Emit(e);
}

void FakeEngine::Wedge(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  if (auto* c = Lookup(name)) wedged_.insert(c->info.id);
}

void FakeEngine::KillByName(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  if (auto* c = Lookup(name)) {
    c->info.running = false;
    c->info.state = "exited";
    c->info.exit_code = 137;
    c->info.pid = 0;
    Emit({"container", "die", c->info.id, c->info.labels});
  }
}

void FakeEngine::RemoveByName(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  if (auto* c = Lookup(name)) {
    EngineEvent e{"container", "destroy", c->info.id, c->info.labels};
    containers_.erase(c->info.id);
    Emit(e);
  } else if (auto* n = LookupNetwork(name)) {
    EngineEvent e{"network", "destroy", n->id, n->spec.labels};
    for (auto& [id, c] : containers_)
      std::erase_if(c.endpoints, [&](const EndpointSpec& ep) { return ep.network == name; });
    networks_.erase(n->id);
    Emit(e);
  }
}

void FakeEngine::DisconnectByName(const std::string& container, const std::string& network) {
  std::lock_guard<std::mutex> l(mu_);
  auto* c = Lookup(container);
  auto* n = LookupNetwork(network);
  if (!c || !n) return;
  std::erase_if(c->endpoints, [&](const EndpointSpec& ep) { return ep.network == network; });
  Emit({"network", "disconnect", n->id, {{"container", c->info.id}, {"name", network}}});
}

std::vector<std::string> FakeEngine::ContainerNames() {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> out;
  for (const auto& [id, c] : containers_) out.push_back(c.info.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> FakeEngine::NetworkNames() {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> out;
  for (const auto& [id, n] : networks_) out.push_back(n.spec.name);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<FakeEngine::Container> FakeEngine::FindContainer(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  if (auto* c = Lookup(name)) return *c;
  return std::nullopt;
}

std::vector<std::string> FakeEngine::StartOrder() {
  std::lock_guard<std::mutex> l(mu_);
  return start_order_;
}

Result<VersionInfo> FakeEngine::Version() {
  LABCTL_RETURN_IF_ERROR(Enter(false));
  return VersionInfo{"fake", "1.41", "1.41"};
}

Result<std::vector<NetworkInfo>> FakeEngine::ListNetworks(const LabelMap& labels) {
  LABCTL_RETURN_IF_ERROR(Enter(false));
  std::lock_guard<std::mutex> l(mu_);
  std::vector<NetworkInfo> out;
  for (const auto& [id, n] : networks_)
    if (Matches(n.spec.labels, labels)) out.push_back({id, n.spec.name, n.spec.labels, {}, {}});
  return out;
}

Result<std::string> FakeEngine::CreateNetwork(const NetworkSpec& spec) {
  LABCTL_RETURN_IF_ERROR(Enter(true));
  std::lock_guard<std::mutex> l(mu_);
  if (LookupNetwork(spec.name))
    return Status::Conflict("network with name " + spec.name + " already exists");
  std::string id = "net" + std::to_string(next_id_++);
  networks_[id] = {spec, id};
  return id;
}

Status FakeEngine::RemoveNetwork(const std::string& id_or_name) {
  LABCTL_RETURN_IF_ERROR(Enter(true));
  std::lock_guard<std::mutex> l(mu_);
  auto* n = LookupNetwork(id_or_name);
  if (!n) return Status::NotFound("network " + id_or_name + " not found");
  for (const auto& [id, c] : containers_)
    for (const auto& ep : c.endpoints)
      if (ep.network == n->spec.name && c.info.running)
        return Status::Internal("docker: error while removing network: network " + n->spec.name +
                                " has active endpoints");
  for (auto& [id, c] : containers_)
    std::erase_if(c.endpoints, [&](const EndpointSpec& ep) { return ep.network == n->spec.name; });
  networks_.erase(n->id);
  return Status::Ok();
}

Result<NetworkInfo> FakeEngine::InspectNetwork(const std::string& id_or_name) {
  LABCTL_RETURN_IF_ERROR(Enter(false));
  std::lock_guard<std::mutex> l(mu_);
  auto* n = LookupNetwork(id_or_name);
  if (!n) return Status::NotFound("network " + id_or_name + " not found");
  NetworkInfo info{n->id, n->spec.name, n->spec.labels, {n->spec.subnet}, {}};
  for (const auto& [id, c] : containers_)
    for (const auto& ep : c.endpoints)
      if (ep.network == n->spec.name) info.container_ids.push_back(id);
  return info;
}

Result<std::vector<ContainerSummary>> FakeEngine::ListContainers(const LabelMap& labels) {
  LABCTL_RETURN_IF_ERROR(Enter(false));
  std::lock_guard<std::mutex> l(mu_);
  std::vector<ContainerSummary> out;
  for (const auto& [id, c] : containers_)
    if (Matches(c.info.labels, labels)) {
      std::vector<std::string> networks;
      for (const auto& ep : c.endpoints) networks.push_back(ep.network);
      out.push_back({id, c.info.name, c.info.state, c.info.labels, networks});
    }
  return out;
}

Result<std::string> FakeEngine::CreateContainer(const ContainerSpec& spec) {
  LABCTL_RETURN_IF_ERROR(Enter(true));
  std::lock_guard<std::mutex> l(mu_);
  if (!images_.empty() && !images_.count(spec.image))
    return Status::NotFound(ImageNotFoundMessage(spec.image));
  if (Lookup(spec.name))
    return Status::Conflict("Conflict. The container name \"/" + spec.name +
                            "\" is already in use");
  if (spec.network && !LookupNetwork(spec.network->network))
    return Status::NotFound("network " + spec.network->network + " not found");
  std::string id = "c" + std::to_string(next_id_++);
  Container c;
  c.spec = spec;
  c.info.id = id;
  c.info.name = spec.name;
  c.info.image = spec.image;
  c.info.state = "created";
  c.info.labels = spec.labels;
  if (spec.network) c.endpoints.push_back(*spec.network);
  containers_[id] = c;
  Emit({"container", "create", id, spec.labels});
  return id;
}

Status FakeEngine::ConnectNetwork(const std::string& container, const EndpointSpec& endpoint) {
  LABCTL_RETURN_IF_ERROR(Enter(true));
  std::lock_guard<std::mutex> l(mu_);
  auto* c = Lookup(container);
  if (!c) return Status::NotFound("No such container: " + container);
  if (!LookupNetwork(endpoint.network))
    return Status::NotFound("network " + endpoint.network + " not found");
  c->endpoints.push_back(endpoint);
  return Status::Ok();
}

Status FakeEngine::StartContainer(const std::string& id) {
  LABCTL_RETURN_IF_ERROR(Enter(true));
  std::lock_guard<std::mutex> l(mu_);
  auto* c = Lookup(id);
  if (!c) return Status::NotFound("No such container: " + id);
  if (c->spec.privileged && refuse_privileged_)
    return Status::Internal(
        "docker: OCI runtime create failed: runc create failed: unable to start container "
        "process: error during container init: operation not permitted");
  if (c->info.running) return Status::Ok();
  if (wedged_.count(c->info.id))
    return Status::Internal("docker: task " + c->info.id + ": already exists");
  for (const auto& ep : c->endpoints)
    if (!LookupNetwork(ep.network)) return Status::NotFound("network " + ep.network + " not found");
  c->info.running = true;
  c->info.state = "running";
  c->info.pid = next_pid_++;
  c->info.started_at = "start-" + std::to_string(c->info.pid);
  start_order_.push_back(c->info.name);
  Emit({"container", "start", c->info.id, c->info.labels});
  return Status::Ok();
}

Status FakeEngine::StopContainer(const std::string& id, int) { return KillContainer(id); }

Status FakeEngine::KillContainer(const std::string& id) {
  LABCTL_RETURN_IF_ERROR(Enter(true));
  std::lock_guard<std::mutex> l(mu_);
  auto* c = Lookup(id);
  if (!c) return Status::NotFound("No such container: " + id);
  if (!c->info.running) return Status::Conflict("Container " + id + " is not running");
  c->info.running = false;
  c->info.state = "exited";
  c->info.pid = 0;
  Emit({"container", "die", c->info.id, c->info.labels});
  return Status::Ok();
}

Status FakeEngine::RemoveContainer(const std::string& id, bool force) {
  LABCTL_RETURN_IF_ERROR(Enter(true));
  std::lock_guard<std::mutex> l(mu_);
  auto* c = Lookup(id);
  if (!c) return Status::NotFound("No such container: " + id);
  if (c->info.running && !force) return Status::Conflict("container is running");
  EngineEvent e{"container", "destroy", c->info.id, c->info.labels};
  containers_.erase(c->info.id);
  Emit(e);
  return Status::Ok();
}

Result<ContainerInfo> FakeEngine::InspectContainer(const std::string& id) {
  LABCTL_RETURN_IF_ERROR(Enter(false));
  std::lock_guard<std::mutex> l(mu_);
  auto* c = Lookup(id);
  if (!c) return Status::NotFound("No such container: " + id);
  ContainerInfo info = c->info;
  int n = 0;
  for (const auto& ep : c->endpoints)
    info.endpoints.push_back(
        {ep.network, ep.ipv4, ep.ipv6, "02:42:00:00:00:" + std::to_string(10 + n++)});
  return info;
}

Result<std::string> FakeEngine::Logs(const std::string& id, int) {
  LABCTL_RETURN_IF_ERROR(Enter(false));
  std::lock_guard<std::mutex> l(mu_);
  auto* c = Lookup(id);
  if (!c) return Status::NotFound("No such container: " + id);
  return c->logs;
}

Status FakeEngine::StreamLogs(const std::string& id, int tail, bool, const OutputCallback& cb) {
  auto logs = Logs(id, tail);
  if (!logs.ok()) return logs.status();
  cb(1, *logs);
  return Status::Ok();
}

Result<std::string> FakeEngine::ExecCreate(const std::string& id,
                                           const std::vector<std::string>& cmd) {
  LABCTL_RETURN_IF_ERROR(Enter(false));
  std::lock_guard<std::mutex> l(mu_);
  auto* c = Lookup(id);
  if (!c) return Status::NotFound("No such container: " + id);
  if (!c->info.running) return Status::Conflict("Container " + id + " is not running");
  std::string exec_id = "exec" + std::to_string(next_id_++);
  execs_[exec_id] = {c->info.name, cmd};
  return exec_id;
}

Status FakeEngine::ExecStart(const std::string& exec_id, const OutputCallback& callback) {
  LABCTL_RETURN_IF_ERROR(Enter(false));
  std::pair<std::string, std::vector<std::string>> exec;
  ExecHandler handler;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!execs_.count(exec_id)) return Status::NotFound("No such exec instance: " + exec_id);
    exec = execs_[exec_id];
    handler = exec_handler_;
  }
  ExecResult r = handler(exec.first, exec.second);
  if (!r.out.empty()) callback(1, r.out);
  if (!r.err.empty()) callback(2, r.err);
  std::lock_guard<std::mutex> l(mu_);
  exec_results_[exec_id] = r;
  return Status::Ok();
}

Result<ExecInfo> FakeEngine::ExecInspect(const std::string& exec_id) {
  LABCTL_RETURN_IF_ERROR(Enter(false));
  std::lock_guard<std::mutex> l(mu_);
  auto it = exec_results_.find(exec_id);
  if (it == exec_results_.end())
    return ExecInfo{true, -1, attached_execs_.count(exec_id) ? 0 : 4242};
  return ExecInfo{false, it->second.exit_code, 0};
}

Result<std::unique_ptr<ExecSession>> FakeEngine::ExecAttach(const std::string& id,
                                                            const std::vector<std::string>& cmd) {
  auto exec_id = ExecCreate(id, cmd);
  if (!exec_id.ok()) return exec_id.status();
  std::lock_guard<std::mutex> l(mu_);
  attached_execs_.insert(*exec_id);
  auto on_exit = [this, exec_id = *exec_id](int code) {
    std::lock_guard<std::mutex> l(mu_);
    exec_results_[exec_id] = ExecResult{code, "", ""};
  };
  return std::unique_ptr<ExecSession>(std::make_unique<FakeExecSession>(
      *exec_id, execs_[*exec_id].first, cmd, attached_exec_handler_, on_exit));
}

Status FakeEngine::StreamEvents(const LabelMap& labels, const EventCallback& callback) {
  LABCTL_RETURN_IF_ERROR(Enter(false));
  std::unique_lock<std::mutex> l(mu_);
  size_t seen = events_.size();  // only events after the call started, like dockerd
  while (!events_stopped_ && !unavailable_) {
    events_cv_.wait(l, [&] { return events_stopped_ || unavailable_ || events_.size() > seen; });
    while (seen < events_.size()) {
      EngineEvent e = events_[seen++];
      if (!Matches(e.attributes, labels)) continue;
      l.unlock();
      bool more = callback(e);
      l.lock();
      if (!more) return Status::Ok();
    }
  }
  if (unavailable_ && !events_stopped_) return Status::Unavailable("fake engine went away");
  return Status::Ok();
}

void FakeEngine::StopEvents() {
  std::lock_guard<std::mutex> l(mu_);
  events_stopped_ = true;
  events_cv_.notify_all();
}

}  // namespace labctl::docker
