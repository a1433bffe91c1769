// StartupDelays: when a node with a startup delay may have its container created. The delay
// counts from the first pass that wanted the container (per lab uid and node), kept in memory
// (a labd restart counts afresh); once the container exists the entry is dropped, so a container
// created again later (removed, or recreated after a change) waits its delay again. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "api/clock.h"

namespace labctl::reconcilers {

class StartupDelays {
 public:
  // Seconds still to wait before the container of `node` may be created (0: now).
  int Remaining(const std::string& uid, const std::string& node, int delay_seconds,
                api::TimePoint now);
  // The container exists: the next creation waits its delay again.
  void Created(const std::string& uid, const std::string& node);

 private:
  std::mutex mu_;
  std::map<std::string, api::TimePoint> since_;  // "<uid>/<node>" -> first asked
};

}  // namespace labctl::reconcilers
