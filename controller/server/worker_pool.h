// WorkerPool: a bounded pool of threads that run jobs in order of submission. Threads start on
// demand, when no thread is idle, up to `max_threads`; a thread idle for `idle_exit` ends, so a
// burst (1000 watch streams) does not leave its threads behind. Beyond `max_threads` jobs wait
// in the queue (and pressure_fd() is readable). Shutdown() runs what is queued and joins every
// thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace labctl::server {

class WorkerPool {
 public:
  WorkerPool(size_t max_threads, std::chrono::milliseconds idle_exit = std::chrono::seconds(30));
  ~WorkerPool();  // Shutdown()s
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False (and `job` not run) once shutting down.
  bool Submit(std::function<void()> job);
  void Shutdown();
  size_t threads() const;  // threads alive now
  size_t queued() const;   // jobs waiting for a thread
  // An eventfd that is readable while a job waits because every thread is busy: a thread that
  // waits on a client for more work of its own polls it, to give way at once.
  int pressure_fd() const { return pressure_fd_; }

 private:
  void Work();
  void JoinRetired(std::unique_lock<std::mutex>& lock);

  const size_t max_threads_;
  const std::chrono::milliseconds idle_exit_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::map<std::thread::id, std::thread> threads_;
  std::vector<std::thread> retired_;  // ended on idle, to be joined
  size_t idle_ = 0;
  bool shutdown_ = false;
  int pressure_fd_ = -1;
};

}  // namespace labctl::server
