#include "reconcilers/session/session_metrics.h"

#include <algorithm>
#include <optional>

#include "metrics/registry.h"

namespace labctl::reconcilers {
namespace {

using api::json;

// Read in place: called for every planned Session at each promotion, so nothing is copied.
std::optional<api::TimePoint> TimeAt(const json& object, const char* section, const char* field) {
  const json* value = api::FieldAt(object, section, field);
  api::TimePoint t;
  if (!value || !value->is_string() || !api::ParseTime(value->get_ref<const std::string&>(), &t))
    return std::nullopt;
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
        metrics::Default().Counter("labd_session_queue_plans_total",
                                   "Planning runs of the session queue, by scope: whole (every "
                                   "live Session) or handover (after a release, the Active "
                                   "Sessions and the waiters that may take the freed slot).",
                                   {"scope"}),
    };
    return *f;
  }
  metrics::Histogram& wait;
  metrics::Histogram& latency;
  metrics::CounterFamily& plans;
};

}  // namespace

void RegisterSessionMetrics() {
  SessionFamilies::Get().plans.With({"whole"});
  SessionFamilies::Get().plans.With({"handover"});
}

void RecordQueuePlan(bool whole) {
  SessionFamilies::Get().plans.With({whole ? "whole" : "handover"}).Inc();
}

uint64_t QueuePlans(bool whole) {
  return SessionFamilies::Get().plans.With({whole ? "whole" : "handover"}).value();
}

void RecordPromotion(const json& session, const std::vector<std::shared_ptr<const json>>& all,
                     api::TimePoint now) {
  auto& [wait, latency, plans] = SessionFamilies::Get();
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
