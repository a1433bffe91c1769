#include "controller/server/worker_pool.h"

#include <sys/eventfd.h>
#include <unistd.h>

namespace labctl::server {

WorkerPool::WorkerPool(size_t max_threads, std::chrono::milliseconds idle_exit)
    : max_threads_(max_threads == 0 ? 1 : max_threads),
      idle_exit_(idle_exit),
      pressure_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

WorkerPool::~WorkerPool() {
  Shutdown();
  if (pressure_fd_ >= 0) close(pressure_fd_);
}

bool WorkerPool::Submit(std::function<void()> job) {
  std::unique_lock<std::mutex> lock(mu_);
  if (shutdown_) return false;
  JoinRetired(lock);
  jobs_.push_back(std::move(job));
  if (idle_ < jobs_.size() && threads_.size() < max_threads_) {
    std::thread t([this] { Work(); });
    threads_.emplace(t.get_id(), std::move(t));
  } else if (idle_ < jobs_.size()) {
    uint64_t one = 1;
    (void)!write(pressure_fd_, &one, sizeof(one));
  }
  cv_.notify_one();
  return true;
}

void WorkerPool::Shutdown() {
  std::unique_lock<std::mutex> lock(mu_);
  shutdown_ = true;
  cv_.notify_all();
  while (!threads_.empty()) {
    auto node = threads_.extract(threads_.begin());
    lock.unlock();
    node.mapped().join();
    lock.lock();
  }
  JoinRetired(lock);
}

size_t WorkerPool::threads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return threads_.size();
}

size_t WorkerPool::queued() const {
  std::lock_guard<std::mutex> lock(mu_);
  return jobs_.size();
}

void WorkerPool::JoinRetired(std::unique_lock<std::mutex>& lock) {
  std::vector<std::thread> retired;
  retired.swap(retired_);
  lock.unlock();
  for (auto& t : retired) t.join();
  lock.lock();
}

void WorkerPool::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    ++idle_;
    bool woken = cv_.wait_for(lock, idle_exit_, [this] { return shutdown_ || !jobs_.empty(); });
    --idle_;
    if (jobs_.empty()) {
      if (shutdown_) return;  // Shutdown() joins us
      if (woken) continue;
      // Idle too long: hand our own thread object over to be joined by someone else.
      auto self = threads_.find(std::this_thread::get_id());
      if (self == threads_.end()) return;  // Shutdown() already took it
      retired_.push_back(std::move(self->second));
      threads_.erase(self);
      return;
    }
    std::function<void()> job = std::move(jobs_.front());
    jobs_.pop_front();
    if (jobs_.empty()) {  // nobody waits any more
      uint64_t count = 0;
      (void)!read(pressure_fd_, &count, sizeof(count));
    }
    lock.unlock();
    job();
    job = nullptr;  // release what the job held before waiting again
    lock.lock();
  }
}

}  // namespace labctl::server
