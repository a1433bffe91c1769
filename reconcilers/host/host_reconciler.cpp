#include "reconcilers/host/host_reconciler.h"

#include <spdlog/spdlog.h>

#include "api/host_placement.h"
#include "api/lab_spec.h"

namespace labctl::reconcilers {

using api::json;
using runtime::ReconcileResult;

namespace {

json Capabilities(const api::HostSpec& spec, const docker::VersionInfo& version) {
  const bool local = spec.endpoint.rfind("unix://", 0) == 0;
  return {{"engineApi", version.used_api},
          // exec with stdin hijacks the connection (unix sockets only); links, NAT and
          // impairment enter the containers' network namespaces on labd's own machine.
          {"execStdin", local ? "yes" : "no (needs a unix:// endpoint)"},
          {"hostNetworking", local ? "yes" : "no (the engine is not on labd's machine)"}};
}

}  // namespace

HostReconciler::HostReconciler(store::Store& store, HostEngines& engines, const api::Clock& clock,
                               runtime::EventRecorder* recorder, HostReconcilerOptions options)
    : store_(store), engines_(engines), clock_(clock), recorder_(recorder), options_(options) {}

runtime::Controller::Mapper HostReconciler::LabHostMapper() {
  return [](const json& lab) -> std::vector<std::string> {
    std::string host = api::LabHost(lab);
    if (host.empty()) return {};
    return {host};
  };
}

api::Condition HostReconciler::Probe(const std::string& name, const json& host, json& status) {
  const api::HostSpec spec = api::ReadHostSpec(host);
  auto connection = engines_.Ensure(name, spec);
  auto version = connection->engine->Version();
  const int64_t generation = api::Generation(host);
  std::lock_guard<std::mutex> l(mu_);
  if (version.ok()) {
    failing_since_.erase(name);
    status["engineVersion"] = version->version;
    status["apiVersion"] = version->api_version;
    status["capabilities"] = Capabilities(spec, *version);
    return {"Ready", "True", "EngineReachable",
            "docker " + version->version + " answers at " + spec.endpoint, generation};
  }
  auto since = failing_since_.emplace(name, clock_.Now()).first->second;
  const json* ready = api::FindCondition(host, "Ready");
  const bool was_ready = ready && ready->value("status", "") == "True";
  if (was_ready && clock_.Now() - since < options_.grace)  // keep it as it is for now
    return {"Ready", "True", ready->value("reason", ""), ready->value("message", ""),
            ready->value("observedGeneration", int64_t{0})};
  return {"Ready", "False", "EngineUnreachable", version.status().message(), generation};
}

namespace {

// The HostLost condition of `lab` on `host`, and whether the lab leaves the Host (Reschedule).
api::Condition HostLostCondition(const json& lab, const std::string& host, bool lost,
                                 bool& leaves) {
  leaves = lost && api::ReadLabObjectSpec(lab).on_host_lost == api::kOnHostLostReschedule;
  if (!lost)
    return {"HostLost", "False", "EngineReachable", "host " + host + " answers",
            api::Generation(lab)};
  return {"HostLost", "True", leaves ? "Rescheduled" : "EngineUnreachable",
          leaves ? "host " + host +
                       " stopped answering: the lab is built again on another host "
                       "(spec.onHostLost: Reschedule)"
                 : "host " + host +
                       " stopped answering: its session fails, the lab waits for the host "
                       "(spec.onHostLost: Fail)",
          api::Generation(lab)};
}

}  // namespace

void HostReconciler::MarkLabs(const json& host, const std::vector<std::string>& labs, bool lost) {
  for (const auto& name : labs) {
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto lab = store_.Get(api::Kind::kLab, name);
      if (!lab.ok() || api::LabHost(*lab) != api::Name(host)) break;
      json updated = *lab;
      bool leaves = false;
      api::Condition c = HostLostCondition(*lab, api::Name(host), lost, leaves);
      const json* current = api::FindCondition(*lab, "HostLost");
      if (!lost && !current) break;  // never lost: nothing to say
      // Leaving clears status.host in the same write: the Lab reconciler then places the lab
      // again, and the lost engine's copy is an orphan there (HostRoutedProvider::RemoveOrphans).
      if (leaves) updated["status"].erase("host");
      if (!api::SetCondition(updated["status"], c, clock_.Now()) && !leaves) break;
      auto written = store_.UpdateStatus(api::Kind::kLab, std::move(updated));
      if (written.ok()) {
        if (lost) spdlog::warn("lab={} host={} lost: {}", name, api::Name(host), c.message);
        if (recorder_ && lost) recorder_->Warning(*lab, "HostLost", c.message);
        break;
      }
      if (written.status().code() != api::Code::kConflict) break;
    }
  }
}

std::optional<api::Condition> HostReconciler::ProbeIfDue(const std::string& name, const json& host,
                                                         json& status) {
  const api::TimePoint now = clock_.Now();
  const int64_t generation = api::Generation(host);
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = probed_.find(name);
    if (it != probed_.end() && it->second.generation == generation &&
        now - it->second.at < options_.probe_period)
      return std::nullopt;
  }
  api::Condition ready = Probe(name, host, status);
  std::lock_guard<std::mutex> l(mu_);
  probed_[name] = {now, generation};
  return ready;
}

void HostReconciler::ForgetProbe(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  probed_.erase(name);
}

std::chrono::milliseconds HostReconciler::UntilNextProbe(const std::string& name) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = probed_.find(name);
  if (it == probed_.end()) return options_.probe_period;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      it->second.at + options_.probe_period - clock_.Now());
  return left.count() > 0 ? left : options_.probe_period;
}

ReconcileResult HostReconciler::Reconcile(const std::string& name) {
  auto host = store_.Get(api::Kind::kHost, name);
  if (!host.ok()) {
    if (host.status().code() != api::Code::kNotFound) return ReconcileResult::Error(host.status());
    engines_.Remove(name);
    std::lock_guard<std::mutex> l(mu_);
    failing_since_.erase(name);
    probed_.erase(name);  // mu_ is held
    return ReconcileResult::Done();
  }
  json status = host->value("status", json::object());
  if (!status.is_object()) status = json::object();
  const std::optional<api::Condition> ready = ProbeIfDue(name, *host, status);
  auto loads = api::HostLoads({*host}, store_.List(api::Kind::kLab).items);
  const api::HostLoad& load = loads.front();
  status["allocated"] = {{"labs", load.labs}, {"nodes", load.nodes}};
  status["labs"] = load.lab_names;
  status["observedGeneration"] = api::Generation(*host);
  const bool was_ready = api::HostReady(*host);
  if (ready) api::SetCondition(status, *ready, clock_.Now());
  if (status != host->value("status", json::object())) {
    json updated = *host;
    updated["status"] = status;
    auto written = store_.UpdateStatus(api::Kind::kHost, std::move(updated));
    if (!written.ok() && written.status().code() != api::Code::kConflict)
      return ReconcileResult::Error(written.status());
    if (!written.ok()) {
      if (ready) ForgetProbe(name);  // its condition was not written: the retry probes again
      return ReconcileResult::After(std::chrono::milliseconds(100));
    }
    if (ready && was_ready != (ready->status == "True")) {
      spdlog::info("host={} ready={} {}", name, ready->status, ready->message);
      if (recorder_)
        ready->status == "True" ? recorder_->Normal(*written, ready->reason, ready->message)
                                : recorder_->Warning(*written, ready->reason, ready->message);
    }
  }
  // Every probe while lost, so a lab whose mark did not get written is marked on the next.
  if (ready && ready->status == "False" && ready->reason == "EngineUnreachable")
    MarkLabs(*host, load.lab_names, true);
  if (ready && ready->status == "True") MarkLabs(*host, load.lab_names, false);
  return ReconcileResult::After(UntilNextProbe(name));
}

}  // namespace labctl::reconcilers
