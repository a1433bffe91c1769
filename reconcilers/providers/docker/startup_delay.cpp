#include "reconcilers/providers/docker/startup_delay.h"

#include <chrono>

namespace labctl::reconcilers {

int StartupDelays::Remaining(const std::string& uid, const std::string& node, int delay_seconds,
                             api::TimePoint now) {
  if (delay_seconds <= 0) return 0;
  std::lock_guard<std::mutex> l(mu_);
  const api::TimePoint since = since_.try_emplace(uid + "/" + node, now).first->second;
  const auto waited = std::chrono::duration_cast<std::chrono::seconds>(now - since).count();
  return waited >= delay_seconds ? 0 : static_cast<int>(delay_seconds - waited);
}

void StartupDelays::Created(const std::string& uid, const std::string& node) {
  std::lock_guard<std::mutex> l(mu_);
  since_.erase(uid + "/" + node);
}

}  // namespace labctl::reconcilers
