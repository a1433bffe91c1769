// EventRecorder: writes Kubernetes-style Event objects about an object to the store
// (involvedObject, type Normal|Warning, reason, message, count, firstTimestamp, lastTimestamp).
// A repeat of the same (object, type, reason, message) bumps count and lastTimestamp instead of
// creating a new Event. Events older than one hour are deleted by Prune(), which labd calls
// periodically. Thread-safe; failures to record are logged, never returned.
#pragma once

#include <string>

#include "api/clock.h"
#include "store/store.h"

namespace labctl::runtime {

class EventRecorder {
 public:
  EventRecorder(store::Store& store, const api::Clock& clock, std::string component);
  void Normal(const api::json& object, const std::string& reason, const std::string& message);
  void Warning(const api::json& object, const std::string& reason, const std::string& message);
  void Prune(std::chrono::seconds max_age = std::chrono::hours(1));

 private:
  void Record(const api::json& object, const std::string& type, const std::string& reason,
              const std::string& message);
  store::Store& store_;
  const api::Clock& clock_;
  std::string component_;
};

}  // namespace labctl::runtime
