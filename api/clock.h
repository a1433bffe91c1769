// Clock: the one seam for time. Reconcilers, the store and the work queue read time through it,
// so tests drive timeouts and back-off with a FakeClock and no sleeps.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace labctl::api {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  static SystemClock& Instance() {
    static SystemClock c;
    return c;
  }
};

// A clock that only moves when told to. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::seconds(1'700'000'000)))
      : now_(start) {}
  TimePoint Now() const override {
    std::lock_guard<std::mutex> l(mu_);
    return now_;
  }
  void Advance(std::chrono::milliseconds d) {
    std::lock_guard<std::mutex> l(mu_);
    now_ += d;
  }
  void Set(TimePoint t) {
    std::lock_guard<std::mutex> l(mu_);
    now_ = t;
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_;
};

// RFC 3339 UTC with second precision ("2026-11-25T18:05:00Z"), as Kubernetes writes timestamps.
std::string FormatTime(TimePoint t);
// Parses FormatTime's output (fractional seconds accepted); false if malformed.
bool ParseTime(const std::string& s, TimePoint* out);

}  // namespace labctl::api
