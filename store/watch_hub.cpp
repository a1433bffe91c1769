#include "store/watch_hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>

#include "store/store_metrics.h"
#include "store/watcher.h"

namespace labctl::store {

// The Watch handed to callers: forwards to its Watcher and leaves the hub when destroyed. Holds
// the hub alive, so a Watch may outlive the Store.
class WatchHandle : public Watch {
 public:
  WatchHandle(std::shared_ptr<WatchHub> hub, std::shared_ptr<Watcher> watcher)
      : hub_(std::move(hub)), watcher_(std::move(watcher)) {}
  ~WatchHandle() override { hub_->Unsubscribe(watcher_.get()); }
  Next Poll(WatchEvent* out, std::chrono::milliseconds timeout) override {
    return watcher_->Poll(out, timeout);
  }
  uint64_t Revision() const override { return watcher_->Revision(); }
  void Cancel() override { watcher_->Cancel(); }

 private:
  std::shared_ptr<WatchHub> hub_;
  std::shared_ptr<Watcher> watcher_;
};

WatchHub::WatchHub(size_t watch_buffer, ChangeLog log, uint64_t compacted, uint64_t revision)
    : buffer_(std::max<size_t>(watch_buffer, 1)),
      log_(std::move(log)),
      compacted_(compacted),
      published_(revision) {}

WatchHub::~WatchHub() = default;

Result<std::unique_ptr<Watch>> WatchHub::Subscribe(Kind kind, const WatchOptions& options,
                                                   const std::function<Snapshot()>& snapshot) {
  std::lock_guard<std::mutex> l(mu_);
  if (closed_) return *closed_;
  std::shared_ptr<Watcher> watcher;
  if (options.from_revision) {
    uint64_t from = *options.from_revision;
    if (from < compacted_) {
      StoreMetrics::Get().watch_too_old.Inc();
      return Status::Gone("too old resource version: " + std::to_string(from) + " (" +
                          std::to_string(compacted_) + ")");
    }
    watcher = std::make_shared<Watcher>(kind, options, std::max(from, published_));
    watcher->SetDeliveredThrough(from);
    for (const PackedChange* packed : log_.After(from)) {
      if (packed->kind != kind) continue;  // not parsed: most of the log is other kinds
      Change c = packed->Unpack();
      if (auto type = watcher->EventTypeFor(c))
        watcher->AddInitial(watcher->EventFor(c, *type), c.revision);
    }
  } else {
    Snapshot snap = snapshot();
    watcher = std::make_shared<Watcher>(kind, options, snap.revision);
    Change as_added;
    as_added.kind = kind;
    for (const PackedPtr& packed : snap.objects) {
      if (!watcher->Matches(packed->name(), packed->labels())) continue;
      as_added.object = packed->Unpack();
      as_added.text = PackedObject::TextOf(packed);
      WatchEvent e = watcher->EventFor(as_added, WatchEvent::kAdded);
      e.revision = std::strtoull(api::ResourceVersion(*as_added.object).c_str(), nullptr, 10);
      watcher->AddInitial(std::move(e), 0);
    }
  }
  watchers_.push_back(watcher);
  return std::unique_ptr<Watch>(new WatchHandle(shared_from_this(), std::move(watcher)));
}

void WatchHub::Publish(const std::vector<Change>& changes, std::vector<PackedChange> packed,
                       api::TimePoint time) {
  if (changes.empty()) return;
  std::lock_guard<std::mutex> l(mu_);
  for (PackedChange& c : packed) log_.Append({std::move(c), time});
  published_ = changes.back().revision;
  auto alive_end = std::partition(watchers_.begin(), watchers_.end(),
                                  [&](const auto& w) { return w->Deliver(changes, buffer_); });
  if (alive_end != watchers_.end())
    spdlog::warn("store: closed watchers that fell behind count={} buffer={}",
                 watchers_.end() - alive_end, buffer_);
  watchers_.erase(alive_end, watchers_.end());
}

std::optional<uint64_t> WatchHub::CompactionCut(const HistoryLimits& limits) const {
  std::lock_guard<std::mutex> l(mu_);
  return log_.CompactionCut(limits);
}

size_t WatchHub::HistoryBytes() const {
  std::lock_guard<std::mutex> l(mu_);
  return log_.bytes();
}

void WatchHub::DropThrough(uint64_t through) {
  std::lock_guard<std::mutex> l(mu_);
  log_.DropThrough(through);
  compacted_ = std::max(compacted_, through);
}

uint64_t WatchHub::Compacted() const {
  std::lock_guard<std::mutex> l(mu_);
  return compacted_;
}

size_t WatchHub::WatcherCount() const {
  std::lock_guard<std::mutex> l(mu_);
  return watchers_.size();
}

void WatchHub::Close(const Status& status) {
  std::lock_guard<std::mutex> l(mu_);
  closed_ = status;
  for (auto& w : watchers_) w->Fail(status, /*drop_pending=*/false);
  watchers_.clear();
}

void WatchHub::Unsubscribe(const Watcher* watcher) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = std::find_if(watchers_.begin(), watchers_.end(),
                         [&](const auto& w) { return w.get() == watcher; });
  if (it == watchers_.end()) return;
  std::swap(*it, watchers_.back());
  watchers_.pop_back();
}

}  // namespace labctl::store
