#include "reconcilers/session/session_creation_order.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace labctl::reconcilers {

namespace {
constexpr auto kCatchUpBudget = std::chrono::milliseconds(200);
}

SessionCreationOrder::SessionCreationOrder(store::Store& store) : store_(store) { Reopen(); }

SessionCreationOrder::~SessionCreationOrder() {
  if (watch_) watch_->Cancel();
}

void SessionCreationOrder::Reopen() {
  store::WatchOptions options;
  options.from_revision = store_.Revision();
  auto watch = store_.WatchKind(api::Kind::kSession, options);
  if (!watch.ok()) {
    spdlog::warn("session creation-order watch failed: {}", watch.status().ToString());
    watch_.reset();
    return;
  }
  watch_ = std::move(watch.value());
}

void SessionCreationOrder::CatchUp(uint64_t revision) {
  if (!watch_) Reopen();
  if (!watch_) return;
  auto deadline = std::chrono::steady_clock::now() + kCatchUpBudget;
  store::WatchEvent event;
  while (true) {
    bool behind = watch_->Revision() < revision;
    auto wait = behind ? std::chrono::duration_cast<std::chrono::milliseconds>(
                             deadline - std::chrono::steady_clock::now())
                       : std::chrono::milliseconds(0);
    if (wait.count() < 0) wait = std::chrono::milliseconds(0);
    auto next = watch_->Poll(&event, wait);
    if (next == store::Watch::Next::kClosed) {
      Reopen();  // fell behind its buffer: stamps fall back to resourceVersion meanwhile
      return;
    }
    if (next == store::Watch::Next::kTimeout) {
      if (!behind || std::chrono::steady_clock::now() >= deadline) return;
      continue;
    }
    if (event.type == store::WatchEvent::kAdded && event.object)
      created_[api::Name(*event.object)] = event.revision;
    else if (event.type == store::WatchEvent::kDeleted && event.object)
      created_.erase(api::Name(*event.object));
    else if (event.type == store::WatchEvent::kError) {
      Reopen();
      return;
    }
  }
}

std::optional<uint64_t> SessionCreationOrder::CreatedAt(const std::string& name) const {
  auto it = created_.find(name);
  if (it == created_.end()) return std::nullopt;
  return it->second;
}

void SessionCreationOrder::Forget(const std::string& name) { created_.erase(name); }

}  // namespace labctl::reconcilers
