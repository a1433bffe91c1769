#include "reconcilers/session/session_metrics.h"

#include <algorithm>
#include <optional>

#include "metrics/registry.h"

namespace labctl::reconcilers {
namespace {

using api::json;

std::optional<api::TimePoint> TimeAt(const json& object, const char* section, const char* field) {
  const json part = object.value(section, json::object());
  api::TimePoint t;
  if (!part.is_object() || !api::ParseTime(part.value(field, ""), &t)) return std::nullopt;
  return t;
}

double Seconds(api::TimePoint from, api::TimePoint to) {
  return std::max(0.0, std::chrono::duration<double>(to - from).count());
}

struct SessionFamilies {
  static SessionFamilies& Get() {
    static SessionFamilies* f = new SessionFamilies{
        metrics::Default()
            .Histogram("labd_session_wait_seconds",
                       "Time from a Session's creation to its promotion to Active.", {},
                       metrics::kSlowSeconds)
            .With(),
        metrics::Default()
            .Histogram("labd_session_promotion_latency_seconds",
                       "Time from the moment a Session could be promoted (it was "
                       "created, or a slot became free after it) to its "
                       "promotion (resolution 1 s: status times are whole "
                       "seconds).",
                       {}, metrics::kSlowSeconds)
            .With(),
    };
    return *f;
  }
  metrics::Histogram& wait;
  metrics::Histogram& latency;
};

}  // namespace

void RegisterSessionMetrics() { SessionFamilies::Get(); }

void RecordPromotion(const json& session, const std::vector<std::shared_ptr<const json>>& all,
                     api::TimePoint now) {
  auto& [wait, latency] = SessionFamilies::Get();
  auto created = TimeAt(session, "metadata", "creationTimestamp");
  if (!created) return;
  wait.Observe(Seconds(*created, now));
  api::TimePoint possible = *created;
  for (const auto& other : all)
    if (auto finished = TimeAt(*other, "status", "finishedAt"); finished && *finished <= now)
      possible = std::max(possible, *finished);
  latency.Observe(Seconds(possible, now));
}

}  // namespace labctl::reconcilers
