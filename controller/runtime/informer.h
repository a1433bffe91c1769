// Informer: one thread that follows the store's watch of one kind and turns every event into
// work-queue keys.
//
// It opens Store::WatchKind(kind) from no revision, so it first sees every existing object as
// ADDED, then each change. When the watch ends (an ERROR event such as Gone after falling behind,
// or closure) it re-opens it after a short delay, which re-lists everything: no change is missed,
// at worst a key is queued twice (the queue collapses that). Keys come from the object's name or,
// for secondary watches, from a mapper. Stop() cancels the watch and joins the thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/object.h"
#include "controller/runtime/work_queue.h"
#include "store/store.h"

namespace labctl::runtime {

class Informer {
 public:
  using Mapper = std::function<std::vector<std::string>(const api::json& object)>;

  using LiveFilter = std::function<bool(const store::WatchEvent& event)>;
  // `mapper` empty: the key is the object's name. `log_name` names the controller in logs.
  // `live_filter` (optional): the watch's WatchOptions::live_filter.
  Informer(store::Store& store, api::Kind kind, Mapper mapper, WorkQueue& queue,
           std::string log_name, std::chrono::milliseconds rewatch_delay,
           LiveFilter live_filter = {});
  ~Informer();  // Stop()
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  void Start();
  void Stop();  // idempotent

 private:
  void Run();
  // Follows one watch until it ends or Stop. Returns after the watch is released.
  void FollowOnce();
  void Enqueue(const api::json& object);
  bool SleepUnlessStopped(std::chrono::milliseconds d);

  store::Store& store_;
  const api::Kind kind_;
  const Mapper mapper_;
  const LiveFilter live_filter_;
  WorkQueue& queue_;
  const std::string log_name_;
  const std::chrono::milliseconds rewatch_delay_;

  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  store::Watch* current_ = nullptr;  // guarded by mu_; Stop cancels it
  std::thread thread_;
};

}  // namespace labctl::runtime
