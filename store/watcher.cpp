#include "store/watcher.h"

#include "store/store_metrics.h"

namespace labctl::store {

Watcher::Watcher(Kind kind, const WatchOptions& options, uint64_t start)
    : kind_(kind),
      selector_(options.selector),
      name_(options.name),
      start_(start),
      live_filter_(options.live_filter),
      seen_(start) {}

bool Watcher::Matches(const json& object) const {
  return Matches(api::Name(object), api::Labels(object));
}

bool Watcher::Matches(const std::string& name, const json& labels) const {
  if (!name_.empty() && name != name_) return false;
  return selector_.Empty() || selector_.Matches(labels);
}

std::optional<WatchEvent::Type> Watcher::EventTypeFor(const Change& change) const {
  if (change.kind != kind_ || !change.object) return std::nullopt;
  bool now = Matches(*change.object);
  // A change loaded from disk whose previous state was compacted away has no `previous`:
  // assume the object matched before iff it matches now.
  bool before = change.previous ? Matches(*change.previous) : now;
  switch (change.type) {
    case ChangeType::kAdded:
      if (now) return WatchEvent::kAdded;
      break;
    case ChangeType::kModified:
      if (before && now) return WatchEvent::kModified;
      if (now) return WatchEvent::kAdded;
      if (before) return WatchEvent::kDeleted;
      break;
    case ChangeType::kDeleted:
      if (before) return WatchEvent::kDeleted;
      break;
  }
  return std::nullopt;
}

WatchEvent Watcher::EventFor(const Change& change, WatchEvent::Type type) const {
  WatchEvent e;
  e.type = type;
  e.revision = change.revision;
  e.object = change.object;
  e.text = change.text;
  return e;
}

void Watcher::AddInitial(WatchEvent event, uint64_t through) {
  std::lock_guard<std::mutex> l(mu_);
  initial_.push_back({std::move(event), through});
}

bool Watcher::Deliver(const std::vector<Change>& changes, size_t buffer) {
  bool wake = false;
  bool alive = true;
  {
    std::lock_guard<std::mutex> l(mu_);
    if (Finished()) return false;
    for (const Change& c : changes) {
      if (c.revision <= start_) continue;
      auto type = EventTypeFor(c);
      WatchEvent event;
      if (type) event = EventFor(c, *type);
      if (type && live_filter_ && !live_filter_(event)) type.reset();
      if (type) {
        if (live_.size() >= buffer) {
          StoreMetrics::Get().watch_fell_behind.Inc();
          StoreMetrics::Get().watch_events_dropped.Inc(live_.size() + initial_.size());
          live_.clear();
          initial_.clear();
          error_ = Status::Gone("watcher fell behind; re-list");
          break;
        }
        live_.push_back({std::move(event), c.revision});
        wake = true;
      }
      seen_ = std::max(seen_, c.revision);
    }
    alive = !Finished();
    wake = wake || !alive;
  }
  if (wake) cv_.notify_one();
  return alive;
}

void Watcher::Fail(const Status& status, bool drop_pending) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (Finished()) return;
    if (drop_pending) {
      live_.clear();
      initial_.clear();
    }
    error_ = status;
  }
  cv_.notify_one();
}

Watch::Next Watcher::Poll(WatchEvent* out, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> l(mu_);
  auto ready = [&] {
    return cancelled_ || error_sent_ || !initial_.empty() || !live_.empty() || error_.has_value();
  };
  // A zero timeout only looks (wait_for would still make a futex call with an expired deadline).
  if (timeout.count() <= 0 ? !ready() : !cv_.wait_for(l, timeout, ready))
    return Watch::Next::kTimeout;
  if (cancelled_ || error_sent_) return Watch::Next::kClosed;
  std::deque<Pending>* queue = !initial_.empty() ? &initial_ : !live_.empty() ? &live_ : nullptr;
  if (queue) {
    *out = std::move(queue->front().event);
    if (queue->front().through) delivered_through_ = queue->front().through;
    queue->pop_front();
    return Watch::Next::kEvent;
  }
  *out = WatchEvent{};
  out->type = WatchEvent::kError;
  out->revision = seen_;
  out->error = *error_;
  error_sent_ = true;
  return Watch::Next::kEvent;
}

uint64_t Watcher::Revision() const {
  std::lock_guard<std::mutex> l(mu_);
  return initial_.empty() && live_.empty() ? seen_ : delivered_through_;
}

void Watcher::Cancel() {
  {
    std::lock_guard<std::mutex> l(mu_);
    cancelled_ = true;
  }
  cv_.notify_all();
}

}  // namespace labctl::store
