// SessionCreationOrder: remembers the store revision at which each Session was created, so the
// queue can be strictly FIFO by creation even when a Session's resourceVersion moved on before
// the reconciler first saw it (the API server writes status.owner right after create).
//
// It follows a store watch on Sessions (opened at construction, before labd serves) and records
// each ADDED event's revision. The reconciler stamps it into status.queuedRevision, which is what
// survives restarts; this memory only bridges the moments between create and that stamp.
// Not thread-safe: the SessionReconciler calls it under its own lock.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "store/store.h"

namespace labctl::reconcilers {

class SessionCreationOrder {
 public:
  explicit SessionCreationOrder(store::Store& store);
  ~SessionCreationOrder();

  // Consumes the watch until it has seen `revision` (waits at most a short while for the hub).
  void CatchUp(uint64_t revision);
  std::optional<uint64_t> CreatedAt(const std::string& name) const;
  // Drops names the caller has stamped durably.
  void Forget(const std::string& name);

 private:
  void Reopen();

  store::Store& store_;
  std::unique_ptr<store::Watch> watch_;
  std::unordered_map<std::string, uint64_t> created_;
};

}  // namespace labctl::reconcilers
