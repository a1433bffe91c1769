#include "controller/runtime/event_recorder.h"

#include <spdlog/spdlog.h>

#include <mutex>

#include "api/fnv1a.h"

namespace labctl::runtime {

namespace {

// Optimistic-concurrency retries when two recorders bump the same Event at once.
constexpr int kWriteAttempts = 5;
constexpr size_t kMaxLabelValue = 63;

// Serialises recording in this process, so concurrent repeats of one event never lose a count;
// the retries below only cover writers outside it. Events are rare: one lock is plenty.
std::mutex& RecordMutex() {
  static std::mutex mu;
  return mu;
}

std::string EventName(const api::json& object, const std::string& type, const std::string& reason,
                      const std::string& message) {
  std::string identity = api::Uid(object) + '\n' + type + '\n' + reason + '\n' + message;
  // A stable hash: a repeat after a restart finds the same Event.
  return api::Name(object) + "." + api::Fnv1a64Hex(identity);
}

api::json NewEvent(const std::string& name, const api::json& object, const std::string& type,
                   const std::string& reason, const std::string& message,
                   const std::string& component, const std::string& now) {
  std::string kind = object.value("kind", "");
  // Labels let `describe` select an object's events with a labelSelector.
  api::json labels = {{"labctl.dev/involved-kind", kind}};
  if (api::Name(object).size() <= kMaxLabelValue)
    labels["labctl.dev/involved-name"] = api::Name(object);
  return {
      {"apiVersion", api::kApiVersion},
      {"kind", "Event"},
      {"metadata", {{"name", name}, {"labels", labels}}},
      {"involvedObject", {{"kind", kind}, {"name", api::Name(object)}, {"uid", api::Uid(object)}}},
      {"type", type},
      {"reason", reason},
      {"message", message},
      {"count", 1},
      {"firstTimestamp", now},
      {"lastTimestamp", now},
      {"source", {{"component", component}}},
  };
}

}  // namespace

EventRecorder::EventRecorder(store::Store& store, const api::Clock& clock, std::string component)
    : store_(store), clock_(clock), component_(std::move(component)) {}

void EventRecorder::Normal(const api::json& object, const std::string& reason,
                           const std::string& message) {
  Record(object, "Normal", reason, message);
}

void EventRecorder::Warning(const api::json& object, const std::string& reason,
                            const std::string& message) {
  Record(object, "Warning", reason, message);
}

void EventRecorder::Record(const api::json& object, const std::string& type,
                           const std::string& reason, const std::string& message) {
  const std::string name = EventName(object, type, reason, message);
  std::lock_guard<std::mutex> serialise(RecordMutex());
  api::Status last;
  for (int attempt = 0; attempt < kWriteAttempts; ++attempt) {
    const std::string now = api::FormatTime(clock_.Now());
    auto current = store_.Get(api::Kind::kEvent, name);
    if (!current.ok() && current.status().code() != api::Code::kNotFound) {
      last = current.status();
      break;
    }
    if (!current.ok()) {
      auto created = store_.Create(api::Kind::kEvent,
                                   NewEvent(name, object, type, reason, message, component_, now));
      if (created.ok()) return;
      last = created.status();
      if (last.reason() == "AlreadyExists") continue;  // a concurrent first record won
      break;
    }
    api::json event = std::move(current).value();
    event["count"] = event.value("count", 0) + 1;
    event["lastTimestamp"] = now;
    auto updated = store_.Update(api::Kind::kEvent, std::move(event));
    if (updated.ok()) return;
    last = updated.status();
    // Conflict: someone bumped it first; NotFound: pruned meanwhile. Both: read again.
    if (last.code() != api::Code::kConflict && last.code() != api::Code::kNotFound) break;
  }
  spdlog::warn("component={} event={} reason={} error=\"{}\" msg=\"cannot record event\"",
               component_, name, reason, last.ToString());
}

void EventRecorder::Prune(std::chrono::seconds max_age) {
  const api::TimePoint cutoff = clock_.Now() - max_age;
  store::ListResult events = store_.List(api::Kind::kEvent);
  size_t pruned = 0;
  for (const api::json& event : events.items) {
    api::TimePoint last;
    std::string stamp = event.value("lastTimestamp", "");
    if (stamp.empty()) stamp = event.value("firstTimestamp", "");
    // Unparseable timestamps count as old: nothing else would ever remove such an Event.
    if (api::ParseTime(stamp, &last) && last >= cutoff) continue;
    auto deleted = store_.Delete(api::Kind::kEvent, api::Name(event), api::Uid(event));
    if (deleted.ok()) {
      ++pruned;
    } else if (deleted.status().code() != api::Code::kNotFound &&
               deleted.status().code() != api::Code::kConflict) {
      spdlog::warn("component={} event={} error=\"{}\" msg=\"cannot prune event\"", component_,
                   api::Name(event), deleted.status().ToString());
    }
  }
  if (pruned > 0) spdlog::debug("component={} pruned_events={}", component_, pruned);
}

}  // namespace labctl::runtime
