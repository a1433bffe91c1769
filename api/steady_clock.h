// SteadyClock: a Clock that also tells monotonic time, for delays and deadlines. The controller
// runtime (work queue delays and back-off, the resync schedule) waits on it, so tests move a
// FakeSteadyClock instead of sleeping.
//
// Now() is wall time, for timestamps people read; Steady() is monotonic (a wall-clock step never
// moves it). A thread that sleeps until a Steady() deadline sleeps by the real clock and holds a
// ClockWaker, so a FakeSteadyClock that jumps past the deadline wakes it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>

#include "api/clock.h"

namespace labctl::api {

using SteadyTime = std::chrono::steady_clock::time_point;

class SteadyClock : public Clock {
 public:
  virtual SteadyTime Steady() const = 0;
  // Calls `wake` after every jump of this clock until Unsubscribe(id); the real clock never
  // jumps. `wake` runs on the thread that moved the clock and must not (un)subscribe.
  virtual int Subscribe(std::function<void()> wake) const { return 0; }
  virtual void Unsubscribe(int id) const {}
};

class SystemSteadyClock : public SteadyClock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  SteadyTime Steady() const override { return std::chrono::steady_clock::now(); }
  static SystemSteadyClock& Instance() {
    static SystemSteadyClock c;
    return c;
  }
};

// Wall and monotonic time that only move when told to (wall time is a FakeClock's). Thread-safe.
class FakeSteadyClock : public SteadyClock {
 public:
  explicit FakeSteadyClock(TimePoint start = TimePoint(std::chrono::seconds(1'700'000'000)))
      : wall_(start) {}
  TimePoint Now() const override { return wall_.Now(); }
  SteadyTime Steady() const override {
    std::lock_guard<std::mutex> l(mu_);
    return steady_;
  }
  // Moves wall and monotonic time forward by `d` and wakes every subscriber.
  void Advance(std::chrono::milliseconds d) {
    wall_.Advance(d);
    {
      std::lock_guard<std::mutex> l(mu_);
      steady_ += d;
    }
    std::lock_guard<std::mutex> l(wake_mu_);
    for (auto& [id, wake] : wakers_) wake();
  }
  // Sets wall time only, as a wall-clock step does: delays and deadlines do not move.
  void Set(TimePoint t) { wall_.Set(t); }
  int Subscribe(std::function<void()> wake) const override {
    std::lock_guard<std::mutex> l(wake_mu_);
    wakers_.emplace(++last_id_, std::move(wake));
    return last_id_;
  }
  void Unsubscribe(int id) const override {
    std::lock_guard<std::mutex> l(wake_mu_);
    wakers_.erase(id);
  }

 private:
  FakeClock wall_;
  mutable std::mutex mu_;
  SteadyTime steady_{std::chrono::hours(1)};
  mutable std::mutex wake_mu_;  // held while waking: Unsubscribe waits for a wake under way
  mutable std::map<int, std::function<void()>> wakers_;
  mutable int last_id_ = 0;
};

// For the lifetime of this object, a jump of `clock` notifies `cv` with `mu` held, so a thread
// waiting on `cv` under `mu` for a Steady() deadline cannot miss it.
class ClockWaker {
 public:
  ClockWaker(const SteadyClock& clock, std::mutex& mu, std::condition_variable& cv)
      : clock_(clock), id_(clock.Subscribe([&mu, &cv] {
          std::lock_guard<std::mutex> l(mu);
          cv.notify_all();
        })) {}
  ~ClockWaker() { clock_.Unsubscribe(id_); }
  ClockWaker(const ClockWaker&) = delete;
  ClockWaker& operator=(const ClockWaker&) = delete;

 private:
  const SteadyClock& clock_;
  const int id_;
};

// Waits on `cv` (its mutex held by `lock`) until notified or until clock.Steady() reaches
// `deadline` (by the real clock's pace; a ClockWaker covers jumps). May wake spuriously.
inline void WaitUntil(const SteadyClock& clock, std::condition_variable& cv,
                      std::unique_lock<std::mutex>& lock, SteadyTime deadline) {
  auto left = deadline - clock.Steady();
  if (left > SteadyTime::duration::zero()) cv.wait_for(lock, left);
}

}  // namespace labctl::api
