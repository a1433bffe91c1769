#include "controller/server/watch_positions.h"

#include "reconcilers/session/session_index.h"

namespace labctl::server {

WatchPositions::WatchPositions(const store::Store& store, api::Kind kind,
                               const store::WatchOptions& options)
    : store_(store) {
  if (kind != api::Kind::kSession || !options.from_revision) return;
  // The client has these waiters from its list at from_revision; their positions then are known
  // only if nothing was written since.
  checked_revision_ = store_.Revision();
  const bool current = checked_revision_ == *options.from_revision;
  if (!current) checked_revision_ = 0;  // send them all at the first check
  auto waiters = store_.ListIndexed(api::Kind::kSession, reconcilers::kSessionOrderIndex,
                                    store::IndexRange{"", ""});
  int64_t position = 0;
  for (const auto& waiter : waiters.items) {
    ++position;
    if (!options.name.empty() && api::Name(*waiter) != options.name) continue;
    if (!options.selector.Empty() && !options.selector.Matches(api::Labels(*waiter))) continue;
    sent_[api::Name(*waiter)] = {api::ResourceVersion(*waiter), current ? position : -1};
  }
}

std::shared_ptr<const std::string> WatchPositions::Line(WatchEncoder& encoder, api::Kind kind,
                                                        const store::WatchEvent& event) {
  if (kind != api::Kind::kSession || !event.object) return encoder.Encode(kind, event);
  const std::string name = api::Name(*event.object);
  if (event.type != store::WatchEvent::kAdded && event.type != store::WatchEvent::kModified) {
    sent_.erase(name);  // deleted, or no longer matching the stream's selector
    return encoder.Encode(kind, event);
  }
  int64_t position = reconcilers::QueuePosition(store_, *event.object);
  if (position == 0) {
    sent_.erase(name);
    return encoder.Encode(kind, event);
  }
  if (sent_.empty()) checked_revision_ = store_.Revision();
  sent_[name] = {api::ResourceVersion(*event.object), position};
  api::json object = *event.object;
  object["status"]["position"] = position;
  return std::make_shared<const std::string>(WatchEncoder::ObjectLine(event.type, object));
}

std::optional<WatchPositions::Clock::time_point> WatchPositions::NextCheck() const {
  if (sent_.empty()) return std::nullopt;
  return last_check_ + kInterval;
}

std::vector<std::string> WatchPositions::Moved(Clock::time_point now) {
  std::vector<std::string> lines;
  if (sent_.empty() || now < last_check_ + kInterval) return lines;
  last_check_ = now;
  const uint64_t revision = store_.Revision();
  if (revision == checked_revision_) return lines;  // nothing moved
  checked_revision_ = revision;
  // The waiters in queue order (shared, parsed objects: nothing is copied but what is sent).
  auto waiters = store_.ListIndexed(api::Kind::kSession, reconcilers::kSessionOrderIndex,
                                    store::IndexRange{"", ""});
  int64_t position = 0;
  for (const auto& waiter : waiters.items) {
    ++position;
    auto sent = sent_.find(api::Name(*waiter));
    if (sent == sent_.end() || sent->second.position == position) continue;
    if (sent->second.resource_version != api::ResourceVersion(*waiter)) continue;  // event due
    sent->second.position = position;
    api::json object = *waiter;
    object["status"]["position"] = position;
    lines.push_back(WatchEncoder::ObjectLine(store::WatchEvent::kModified, object));
  }
  return lines;
}

}  // namespace labctl::server
