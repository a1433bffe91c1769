// Reconciler: one entry point per resource kind. Given an object's name it reads desired state
// from the store and actual state from the world, acts on the difference, writes status, and
// says whether it is done, wants a retry with back-off, or wants to run again after a delay.
// It keeps no memory a restart would lose.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "api/status.h"

namespace labctl::runtime {

struct ReconcileResult {
  api::Status status;  // non-OK: retried with exponential back-off (1 s doubling to 5 min)
  std::optional<std::chrono::milliseconds> requeue_after;  // timers (heartbeats, timeouts)

  static ReconcileResult Done() { return {}; }
  static ReconcileResult After(std::chrono::milliseconds d) { return {api::Status::Ok(), d}; }
  static ReconcileResult Error(api::Status s) { return {std::move(s), std::nullopt}; }
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  virtual ReconcileResult Reconcile(const std::string& name) = 0;
};

}  // namespace labctl::runtime
