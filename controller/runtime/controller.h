// Controller: drives one Reconciler from a work queue fed by an informer on the store's watch,
// by secondary watches mapped to keys, by explicit Enqueue calls (e.g. Docker events), and by a
// full resync at start (the informer's first list) and every `resync` interval. Delays, back-off
// and the resync interval are read on `clock` (a FakeSteadyClock in tests).
//
// Work-queue semantics: repeated adds of a key before it is processed collapse into one; a key
// never runs on two workers at once (an add while it runs is processed once after it finishes);
// errors back off exponentially per key (1 s doubling to 5 min, reset on success);
// requeue_after schedules a later run. Stop() drains in-flight reconciles and returns.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api/object.h"
#include "api/steady_clock.h"
#include "controller/runtime/reconciler.h"
#include "store/store.h"

namespace labctl::runtime {

struct ControllerOptions {
  std::string name;  // for logs: "lab", "session"
  int workers = 2;
  std::chrono::milliseconds resync{std::chrono::minutes(5)};
  std::chrono::milliseconds backoff_base{1000};
  std::chrono::milliseconds backoff_max{std::chrono::minutes(5)};
  const api::SteadyClock* clock = nullptr;  // nullptr: the system clock
};

class Controller {
 public:
  Controller(store::Store& store, api::Kind kind, Reconciler& reconciler,
             ControllerOptions options);
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Also enqueue keys derived from changes of another kind (e.g. a Session change enqueues its
  // spec.lab). Call before Start().
  using Mapper = std::function<std::vector<std::string>(const api::json& object)>;
  void WatchAlso(api::Kind kind, Mapper mapper);
  // Derive the keys of the controlled kind's own changes (and of resyncs) with `mapper` instead
  // of the object's name: a reconciler of global state (the session queue) maps everything to one
  // key, so a burst of changes collapses into one run. `live_filter` (optional) is the primary
  // watch's WatchOptions::live_filter: changes it refuses queue nothing and wake no thread.
  // Call before Start().
  using LiveFilter = std::function<bool(const store::WatchEvent& event)>;
  void MapPrimary(Mapper mapper, LiveFilter live_filter = {});

  void Start();
  void Stop();
  void Enqueue(const std::string& name);
  void EnqueueAfter(const std::string& name, std::chrono::milliseconds delay);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Back-off for the n-th consecutive failure (n >= 1): base * 2^(n-1), capped at max.
std::chrono::milliseconds Backoff(int failures, std::chrono::milliseconds base,
                                  std::chrono::milliseconds max);

}  // namespace labctl::runtime
