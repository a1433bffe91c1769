// WorkQueue: the keyed queue between a controller's inputs (watches, timers, explicit adds) and
// its workers.
//
// Guarantees: a key added several times before a worker takes it is handed out once; a key is
// never handed to two workers at once (an Add while it is being processed marks it dirty and it
// is queued again, once, when the worker calls Done); AddAfter keeps the earliest deadline when a
// key is already scheduled; AddRateLimited waits Backoff(failures) where failures counts
// consecutive AddRateLimited calls for the key since its last Forget. ShutDown wakes every Get
// caller, which then returns false; adds after ShutDown are ignored. Delays are read on the
// injected clock's Steady() time (a FakeSteadyClock in tests: Advance makes delayed keys due).
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "api/steady_clock.h"

namespace labctl::runtime {

class WorkQueue {
 public:
  using SteadyTime = api::SteadyTime;

  WorkQueue(std::chrono::milliseconds backoff_base, std::chrono::milliseconds backoff_max,
            const api::SteadyClock& clock = api::SystemSteadyClock::Instance());
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void Add(const std::string& key);
  // delay <= 0 is an Add.
  void AddAfter(const std::string& key, std::chrono::milliseconds delay);
  // AddAfter(key, Backoff(++failures(key))). Returns the delay chosen.
  std::chrono::milliseconds AddRateLimited(const std::string& key);
  // Resets the key's failure count (call after a successful run).
  void Forget(const std::string& key);
  int Failures(const std::string& key) const;

  // Blocks until a key is ready (true) or the queue is shut down (false). The caller owns the
  // key until it calls Done(key).
  bool Get(std::string* key);
  void Done(const std::string& key);

  void ShutDown();
  bool ShuttingDown() const;
  // Keys ready to be handed out now (not counting scheduled or in-process keys).
  size_t Len() const;

 private:
  void AddLocked(const std::string& key);
  void PromoteDueLocked(SteadyTime now);

  const std::chrono::milliseconds backoff_base_;
  const std::chrono::milliseconds backoff_max_;
  const api::SteadyClock& clock_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  api::ClockWaker waker_{clock_, mu_, cv_};  // after mu_ and cv_: it uses them
  bool shutting_down_ = false;
  std::deque<std::string> ready_;               // FIFO of keys to hand out
  std::unordered_set<std::string> dirty_;       // keys needing a run (queued or pending Done)
  std::unordered_set<std::string> processing_;  // keys a worker holds
  std::set<std::pair<SteadyTime, std::string>> scheduled_;  // by deadline
  std::unordered_map<std::string, SteadyTime> deadline_of_;
  std::unordered_map<std::string, int> failures_;
};

}  // namespace labctl::runtime
