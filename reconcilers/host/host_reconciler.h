// HostReconciler: keeps each Host's engine connection (HostEngines) and reports the Host's
// status (docs/hosts.md): the Ready condition (the engine answers /version), the engine and API
// versions, what labd can do on it (capabilities), the labs placed on it and their nodes
// (allocated), against spec.capacity.
//
// Every Host is probed every probe_period (and at once when its spec changes); a Lab change
// between probes updates the allocation only: a probe is a /version call, for which dockerd runs
// `runc --version` and `docker-init --version`, and a bring-up writes its Lab's status hundreds of
// times. An engine that stops answering keeps its last Ready
// for `grace` (a dockerd restart is not a lost host), then turns Ready=False (EngineUnreachable),
// and every Lab placed on it gets condition HostLost=True until it answers again. A Host that
// never answered is not Ready from its first probe. A deleted Host's connection is dropped.
// Stateless across restarts but for when each engine started failing.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "api/clock.h"
#include "controller/runtime/controller.h"
#include "controller/runtime/event_recorder.h"
#include "controller/runtime/reconciler.h"
#include "reconcilers/host/host_engines.h"
#include "store/store.h"

namespace labctl::reconcilers {

struct HostReconcilerOptions {
  std::chrono::milliseconds probe_period{std::chrono::seconds(5)};
  std::chrono::milliseconds grace{std::chrono::seconds(15)};
};

class HostReconciler : public runtime::Reconciler {
 public:
  HostReconciler(store::Store& store, HostEngines& engines, const api::Clock& clock,
                 runtime::EventRecorder* recorder, HostReconcilerOptions options = {});

  runtime::ReconcileResult Reconcile(const std::string& name) override;

  // Maps a Lab change to its Host (the Host's allocation changes).
  static runtime::Controller::Mapper LabHostMapper();

 private:
  // The Ready condition from this probe and the failure record.
  api::Condition Probe(const std::string& name, const api::json& host, api::json& status);
  // The probe's Ready condition when one is due (none for this generation of the Host, or the
  // last is probe_period old); nullopt otherwise.
  std::optional<api::Condition> ProbeIfDue(const std::string& name, const api::json& host,
                                           api::json& status);
  void ForgetProbe(const std::string& name);
  std::chrono::milliseconds UntilNextProbe(const std::string& name);
  void MarkLabs(const api::json& host, const std::vector<std::string>& labs, bool lost);

  store::Store& store_;
  HostEngines& engines_;
  const api::Clock& clock_;
  runtime::EventRecorder* recorder_;
  HostReconcilerOptions options_;
  std::mutex mu_;
  std::map<std::string, api::TimePoint> failing_since_;
  struct Probed {
    api::TimePoint at;
    int64_t generation = 0;
  };
  std::map<std::string, Probed> probed_;
};

}  // namespace labctl::reconcilers
