#include "controller/runtime/work_queue.h"

#include "controller/runtime/controller.h"

namespace labctl::runtime {

std::chrono::milliseconds Backoff(int failures, std::chrono::milliseconds base,
                                  std::chrono::milliseconds max) {
  if (failures < 1) failures = 1;
  std::chrono::milliseconds delay = base;
  for (int i = 1; i < failures && delay < max; ++i) delay *= 2;
  return delay < max ? delay : max;
}

WorkQueue::WorkQueue(std::chrono::milliseconds backoff_base, std::chrono::milliseconds backoff_max,
                     const api::SteadyClock& clock)
    : backoff_base_(backoff_base), backoff_max_(backoff_max), clock_(clock) {}

void WorkQueue::Add(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  AddLocked(key);
}

void WorkQueue::AddLocked(const std::string& key) {
  if (shutting_down_ || dirty_.count(key)) return;
  dirty_.insert(key);
  if (processing_.count(key)) return;  // re-queued by Done
  ready_.push_back(key);
  cv_.notify_one();
}

void WorkQueue::AddAfter(const std::string& key, std::chrono::milliseconds delay) {
  if (delay.count() <= 0) return Add(key);
  std::lock_guard<std::mutex> l(mu_);
  if (shutting_down_) return;
  SteadyTime deadline = clock_.Steady() + delay;
  auto it = deadline_of_.find(key);
  if (it != deadline_of_.end()) {
    if (it->second <= deadline) return;  // the earlier deadline wins
    scheduled_.erase({it->second, key});
    it->second = deadline;
  } else {
    deadline_of_.emplace(key, deadline);
  }
  scheduled_.emplace(deadline, key);
  // A waiting Get may need to wake earlier than it planned.
  cv_.notify_all();
}

std::chrono::milliseconds WorkQueue::AddRateLimited(const std::string& key) {
  int failures;
  {
    std::lock_guard<std::mutex> l(mu_);
    failures = ++failures_[key];
  }
  std::chrono::milliseconds delay = Backoff(failures, backoff_base_, backoff_max_);
  AddAfter(key, delay);
  return delay;
}

void WorkQueue::Forget(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  failures_.erase(key);
}

int WorkQueue::Failures(const std::string& key) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::PromoteDueLocked(SteadyTime now) {
  while (!scheduled_.empty() && scheduled_.begin()->first <= now) {
    std::string key = scheduled_.begin()->second;
    scheduled_.erase(scheduled_.begin());
    deadline_of_.erase(key);
    AddLocked(key);
  }
}

bool WorkQueue::Get(std::string* key) {
  std::unique_lock<std::mutex> l(mu_);
  for (;;) {
    if (shutting_down_) return false;
    PromoteDueLocked(clock_.Steady());
    if (!ready_.empty()) break;
    if (scheduled_.empty()) {
      cv_.wait(l);
    } else {
      api::WaitUntil(clock_, cv_, l, scheduled_.begin()->first);
    }
  }
  *key = std::move(ready_.front());
  ready_.pop_front();
  dirty_.erase(*key);
  processing_.insert(*key);
  return true;
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard<std::mutex> l(mu_);
  processing_.erase(key);
  if (dirty_.count(key) && !shutting_down_) {
    ready_.push_back(key);
    cv_.notify_one();
  }
}

void WorkQueue::ShutDown() {
  std::lock_guard<std::mutex> l(mu_);
  shutting_down_ = true;
  cv_.notify_all();
}

bool WorkQueue::ShuttingDown() const {
  std::lock_guard<std::mutex> l(mu_);
  return shutting_down_;
}

size_t WorkQueue::Len() const {
  std::lock_guard<std::mutex> l(mu_);
  return ready_.size();
}

}  // namespace labctl::runtime
