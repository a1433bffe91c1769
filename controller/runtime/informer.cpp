#include "controller/runtime/informer.h"

#include <spdlog/spdlog.h>

#include <exception>

namespace labctl::runtime {

namespace {
// Poll wakes at least this often, so a lost Cancel can never hang Stop.
constexpr std::chrono::milliseconds kPollInterval{1000};
}  // namespace

Informer::Informer(store::Store& store, api::Kind kind, Mapper mapper, WorkQueue& queue,
                   std::string log_name, std::chrono::milliseconds rewatch_delay,
                   LiveFilter live_filter)
    : store_(store),
      kind_(kind),
      mapper_(std::move(mapper)),
      live_filter_(std::move(live_filter)),
      queue_(queue),
      log_name_(std::move(log_name)),
      rewatch_delay_(rewatch_delay) {}

Informer::~Informer() { Stop(); }

void Informer::Start() {
  std::lock_guard<std::mutex> l(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void Informer::Stop() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
    if (current_) current_->Cancel();
    stop_cv_.notify_all();
  }
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

bool Informer::SleepUnlessStopped(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> l(mu_);
  return !stop_cv_.wait_for(l, d, [this] { return stopping_; });
}

void Informer::Run() {
  for (;;) {
    FollowOnce();
    if (!SleepUnlessStopped(rewatch_delay_)) return;
    spdlog::info("controller={} watch={} msg=\"re-opening watch\"", log_name_,
                 api::KindName(kind_));
  }
}

void Informer::FollowOnce() {
  store::WatchOptions options;
  options.live_filter = live_filter_;
  auto opened = store_.WatchKind(kind_, options);
  if (!opened.ok()) {
    spdlog::warn("controller={} watch={} error=\"{}\"", log_name_, api::KindName(kind_),
                 opened.status().ToString());
    return;
  }
  std::unique_ptr<store::Watch> watch = std::move(opened).value();
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stopping_) return;
    current_ = watch.get();
  }
  store::WatchEvent event;
  for (;;) {
    store::Watch::Next next = watch->Poll(&event, kPollInterval);
    if (next == store::Watch::Next::kClosed) break;
    if (next == store::Watch::Next::kTimeout) continue;
    if (event.type == store::WatchEvent::kError) {
      spdlog::warn("controller={} watch={} error=\"{}\"", log_name_, api::KindName(kind_),
                   event.error.ToString());
      break;
    }
    if (event.type == store::WatchEvent::kBookmark || !event.object) continue;
    Enqueue(*event.object);
  }
  std::lock_guard<std::mutex> l(mu_);
  current_ = nullptr;
}

void Informer::Enqueue(const api::json& object) {
  if (!mapper_) {
    queue_.Add(api::Name(object));
    return;
  }
  try {
    for (const std::string& key : mapper_(object)) {
      if (!key.empty()) queue_.Add(key);
    }
  } catch (const std::exception& e) {
    spdlog::warn("controller={} watch={} object={} error=\"mapper threw: {}\"", log_name_,
                 api::KindName(kind_), api::Name(object), e.what());
  }
}

}  // namespace labctl::runtime
